//! Exhaustive exploration of small configurations (in progress).
