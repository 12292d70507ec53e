"""Export: no family has nodes here yet (the music model half is the next issue)."""
