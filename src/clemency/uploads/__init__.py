"""Files people upload through the web: checked for type and size before anything is stored."""
