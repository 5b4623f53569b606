DROP TABLE bootstrap_tokens;
