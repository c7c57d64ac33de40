"""Patient data rights (UK GDPR articles 15, 17 and 20): the full-record archive and erasure."""
