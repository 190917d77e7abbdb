# Filled by the behaviour tests.
