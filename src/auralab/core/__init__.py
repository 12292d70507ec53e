"""What every model family shares: errors, logging, parameters, expectations, tracking helpers."""
