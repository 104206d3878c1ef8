"""Use cases of cross-region work: sharing agreements, referrals with receipts, joint cases."""
