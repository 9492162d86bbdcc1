-- The SQLite schema that create_all() made before migrations existed (release of commit 6abc521).
CREATE TABLE authorizations (
	id INTEGER NOT NULL, 
	selling_partner_id VARCHAR(128) NOT NULL, 
	region VARCHAR(2) NOT NULL, 
	account_type VARCHAR(8) NOT NULL, 
	workflow VARCHAR(16) NOT NULL, 
	refresh_token_encrypted BLOB NOT NULL, 
	fingerprint VARCHAR(32) NOT NULL, 
	authorized_at DATETIME NOT NULL, 
	last_refresh_at DATETIME, 
	last_refresh_result VARCHAR(64), 
	needs_reauthorization BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (selling_partner_id, region)
);
CREATE TABLE oauth_states (
	state_hash VARCHAR(64) NOT NULL, 
	browser_hash VARCHAR(64) NOT NULL, 
	flow VARCHAR(16) NOT NULL, 
	account_type VARCHAR(8) NOT NULL, 
	region VARCHAR(2) NOT NULL, 
	marketplace_id VARCHAR(32), 
	selling_partner_id VARCHAR(128), 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	consumed_at DATETIME, 
	PRIMARY KEY (state_hash)
);
CREATE INDEX ix_oauth_states_expires_at ON oauth_states (expires_at);
CREATE TABLE used_codes (
	code_hash VARCHAR(64) NOT NULL, 
	seen_at DATETIME NOT NULL, 
	PRIMARY KEY (code_hash)
);
CREATE INDEX ix_used_codes_seen_at ON used_codes (seen_at);
