-- Read-token names are unique (the name is how an administrator revokes a token); the
-- index also makes concurrent creations with one name safe (ON CONFLICT in the insert).
CREATE UNIQUE INDEX read_tokens_name ON read_tokens (name);
