"""xAPI LRS conformance tests for Kakehashi (see README.md)."""
