"""Staff and admin accounts: the user table, managing accounts, signing in and its throttling."""
