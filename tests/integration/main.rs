//! Integration tests: run the real binary on real files.
