"""Pages of the diary: the carer's evening diary, signing in, the installable app."""
