"""The staff board: filters kept in the URL, keyset pages of orders, live updates, saved views, bulk changes and the search text."""
