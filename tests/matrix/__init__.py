"""Helpers of the permission matrix (tests/test_permission_matrix.py)."""
