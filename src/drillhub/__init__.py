"""drillhub: joint training and exercises for public-safety agencies."""
