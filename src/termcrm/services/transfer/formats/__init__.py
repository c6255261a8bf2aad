"""File formats: readers yield rows, writers take records; none imports the pipeline."""
