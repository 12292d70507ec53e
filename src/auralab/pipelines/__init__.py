"""Kedro pipelines by stage; each stage module wires every family's nodes under its namespace."""
