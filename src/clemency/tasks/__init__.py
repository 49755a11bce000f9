"""Tasks: the to-do list of a case and of each user, written by people and by the system."""
