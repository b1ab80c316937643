"""Ratings (评价): the customer's stars, words and photos about a completed order, the shop's
one reply, and where they are shown (docs/after-sales.md, Ratings)."""
