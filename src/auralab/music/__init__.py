"""The music family as a plain library (no Kedro): MIDI parsing, quantization, tokens, augmentation."""
