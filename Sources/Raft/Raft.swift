// Placeholder replaced by the consensus core.
