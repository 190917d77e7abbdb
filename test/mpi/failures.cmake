# Filled by the failure tests.
