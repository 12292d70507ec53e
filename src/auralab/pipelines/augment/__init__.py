"""Augment: the on-the-fly augmentation plan, checked on a sample."""
