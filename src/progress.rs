//! How long-running domain work (decoding a clip, hashing a kit) tells the
//! caller how far it is, without the domain knowing how (or whether) that
//! is shown: `output::progress` draws it with indicatif, tests and `--json`
//! pass [`Quiet`].

/// Progress through a job whose unit the job names (ms of media for a
/// decode, bytes for a verify); every method defaults to doing nothing.
pub trait Progress {
    /// The job starts; `total` is its length when known.
    fn start(&self, _total: Option<i64>) {}
    /// The job has reached `pos` (of `total`).
    fn advance(&self, _pos: i64) {}
    fn finish(&self) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}
