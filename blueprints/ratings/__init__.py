"""Staff's ratings pages (models/ratings/)."""
