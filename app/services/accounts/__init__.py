"""Use cases of accounts: users, organisations, tokens, passwords, sign-in throttling."""
