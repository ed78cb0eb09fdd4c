"""The disclosure duty (DISCLOSURE.md): working days and deadlines, personal data and
secrecy marks at review, and the yearly report's figures and checks.

Pure code like the rest of publisher/domain: no I/O, no clock (dates and instants are
passed in), so tests can set any day and the report can be recomputed at will.
"""
