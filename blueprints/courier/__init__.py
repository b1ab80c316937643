"""The courier's pages: their own runs on a phone."""
