DROP TABLE api_tokens, password_resets, sessions, accounts;
