//! Checking the inputs of `dynroute validate` on a pool of threads while they are still being
//! found, handing the outcomes back in the order the inputs came.
//!
//! Inputs are gathered into rounds of [`ROUND_FILES`]. A full round starts on the pool at
//! once, while the walk goes on finding the next inputs (the files named on the command
//! line, and each folder's files once that folder is walked), so that finding inputs and
//! checking them share the cores. The outcomes of a round are taken in order
//! ([`Rounds::next`]), once the walk is over. To bound memory, a round only starts while
//! fewer than [`RUNNING_PER_THREAD`] rounds per thread are being checked, fewer than
//! [`AHEAD_PER_THREAD`] files per thread are checked and not yet taken, and the texts those
//! keep add up to less than [`HELD_BYTES`]. A report without findings drops its text (only
//! findings are drawn from it), so a clean file keeps next to nothing. At most, then, the
//! files of two rounds per thread are held whole, plus 64 MiB and what the rounds being
//! checked when it was reached keep.
//!
//! A panic while checking is raised again on the thread that takes the round, as it would
//! be from a pool that is waited on.
//!
//! With one thread, or a single input, everything is checked on the calling thread when it
//! is taken, and no thread is started. Without `--jobs`, the cores are counted when a second
//! input comes (counting reads the cgroup's CPU quota: a tenth of the hook's time on a
//! typical file).

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use dynroute_validator::schema::SchemaError;
use dynroute_validator::{Config, Report};

/// Inputs per round: enough to make a task worth handing to the pool, few enough that the
/// threads share the last rounds evenly.
const ROUND_FILES: usize = 32;

/// Rounds per thread being checked at a time at most: what is read and not yet checked.
const RUNNING_PER_THREAD: usize = 2;

/// Files per thread checked ahead of the output at most.
const AHEAD_PER_THREAD: usize = 512;

/// Bytes of text held by the reports checked and not yet taken, past which no round starts.
const HELD_BYTES: usize = 64 << 20;

/// One input: the name it is shown under, where its bytes come from, its settings.
pub struct Job {
    pub name: String,
    pub source: Source,
    pub config: Config,
}

/// Where a job's bytes come from.
pub enum Source {
    /// Already read (standard input), or the message saying why it could not be.
    Read(Result<Vec<u8>, String>),
    /// A file, read by the thread that checks it, with its size when it was found if that
    /// was looked up (which spares a look-up when it is read).
    File { path: PathBuf, size: Option<u64> },
    /// A job that panics (tests of what a panic while checking does).
    #[cfg(test)]
    Panic,
}

/// A job's report, or the message saying why its input could not be read.
pub type Outcome = Result<Report, String>;

/// What became of a job: its name, and its outcome (an `Err` only when the embedded schema
/// is unusable or the reasons cannot say why the file fails it).
pub type Checked = (String, Result<Outcome, SchemaError>);

impl Job {
    /// Reads and checks the input; `held` counts the bytes of the text the report keeps.
    fn run(self, held: &AtomicUsize) -> Checked {
        let read = match self.source {
            Source::Read(read) => read,
            Source::File { path, size } => {
                read_file(&path, size).map_err(|e| format!("cannot read {}: {e}", self.name))
            }
            #[cfg(test)]
            Source::Panic => panic!("checking {} panicked", self.name),
        };
        let outcome = match read {
            Ok(bytes) => dynroute_validator::check_bytes(&self.name, bytes, &self.config).map(
                |mut report| {
                    // Only findings are drawn from the text: it is kept for those, without
                    // the room a read left.
                    if report.diagnostics.is_empty() {
                        report.text = String::new();
                    } else {
                        report.text.shrink_to_fit();
                    }
                    held.fetch_add(report.text.len(), Ordering::Relaxed);
                    Ok(report)
                },
            ),
            Err(message) => Ok(Err(message)),
        };
        (self.name, outcome)
    }
}

/// Bytes read from a file whose size is not known before looking it up: most route files
/// fit, and a second read that finds the end costs less than looking the size up.
const FIRST_READ: usize = 16 << 10;

/// The bytes of the file at `path`, as `std::fs::read` reads them but in fewer calls.
///
/// The file's size (`found`, when the walk looked it up) is how much to read: one `read`
/// asks for a byte more, and a read that stops exactly at the size is taken as the end of the
/// file. Without it, one `read` asks for [`FIRST_READ`] bytes: a file that gives fewer is read
/// to its end (one more `read`), else its size is looked up and read in the same way. A file
/// that grew or shrank since (a read that gives more or less than the size), or whose size
/// says nothing (0, as files of `/proc` have), is read on to its end.
fn read_file(path: &Path, found: Option<u64>) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    let size = match found {
        Some(size) => size,
        None => {
            if read_once(&mut file, &mut bytes, FIRST_READ)? < FIRST_READ {
                read_to_end(&mut file, &mut bytes)?;
                return Ok(bytes);
            }
            file.metadata()?.len()
        }
    };
    let asked = usize::try_from(size).ok().and_then(|s| s.checked_add(1));
    if let Some(asked) = asked.filter(|&asked| asked > bytes.len() + 1)
        && read_once(&mut file, &mut bytes, asked)? == asked - 1
    {
        return Ok(bytes);
    }
    read_to_end(&mut file, &mut bytes)?;
    Ok(bytes)
}

/// One `read` into `bytes`, grown to `len` bytes, that keeps what it read: the length of
/// `bytes` then.
fn read_once(file: &mut std::fs::File, bytes: &mut Vec<u8>, len: usize) -> std::io::Result<usize> {
    let start = bytes.len();
    bytes.try_reserve_exact(len.saturating_sub(start))?;
    bytes.resize(len, 0);
    let got = loop {
        match file.read(&mut bytes[start..]) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            got => break got,
        }
    };
    bytes.truncate(start + *got.as_ref().unwrap_or(&0));
    got.map(|_| bytes.len())
}

/// Reads the rest of `file` into `bytes`, without looking up its size as `File`'s own
/// `read_to_end` does (through `take`, whose `read_to_end` does not).
fn read_to_end(file: &mut std::fs::File, bytes: &mut Vec<u8>) -> std::io::Result<()> {
    file.take(u64::MAX).read_to_end(bytes).map(drop)
}

/// What a round on the pool hands back: its outcomes, or the panic that stopped it (raised
/// again on the thread that takes the round, as a pool that is waited on would).
type Handed = std::thread::Result<Vec<Checked>>;

/// A round of jobs: waiting, started on the pool (its outcomes come through the channel), or
/// checked and waiting to be taken.
enum Round {
    Waiting(Vec<Job>),
    Started {
        files: usize,
        outcomes: mpsc::Receiver<Handed>,
    },
    Done {
        files: usize,
        outcomes: Handed,
    },
}

/// The rounds of one command, in the order of their inputs. The rounds started form the
/// front of `queue`.
pub struct Rounds {
    /// The threads to check on: as given, or one per core, found out when a pool is first
    /// worth starting (a single file never needs to know; finding out reads cgroup files).
    threads: Option<usize>,
    pool: Option<Pool>,
    filling: Vec<Job>,
    queue: VecDeque<Round>,
    /// Rounds started (being checked, or done) and not yet taken, and the files they hold.
    started: usize,
    ahead: usize,
    /// Rounds being checked.
    running: usize,
    /// Bytes of text kept by the reports of the rounds started and not yet taken.
    held: Arc<AtomicUsize>,
    /// [`AHEAD_PER_THREAD`] and [`HELD_BYTES`] (other bounds in tests).
    ahead_per_thread: usize,
    held_bytes: usize,
}

impl Rounds {
    /// Rounds checked on `jobs` threads as given (`None` or 0: one thread per core).
    pub fn new(jobs: Option<usize>) -> Self {
        Self::bounded(jobs, AHEAD_PER_THREAD, HELD_BYTES)
    }

    fn bounded(jobs: Option<usize>, ahead_per_thread: usize, held_bytes: usize) -> Self {
        Rounds {
            threads: jobs.filter(|&n| n > 0),
            pool: None,
            filling: Vec::with_capacity(ROUND_FILES),
            queue: VecDeque::new(),
            started: 0,
            ahead: 0,
            running: 0,
            held: Arc::default(),
            ahead_per_thread,
            held_bytes,
        }
    }

    /// Adds a job after those added before; it may start at once.
    pub fn push(&mut self, job: Job) {
        self.filling.push(job);
        if self.filling.len() == ROUND_FILES {
            self.seal();
        }
    }

    /// The outcomes of the next round, in the order its jobs were added (waiting for them
    /// when they are still being checked), or `None` when every round was taken. No job is
    /// added after the first call.
    pub fn next(&mut self) -> Option<Result<Vec<Checked>, String>> {
        self.seal();
        let handed = match self.queue.pop_front()? {
            Round::Started { files, outcomes } => {
                self.started -= 1;
                self.ahead -= files;
                self.running -= 1;
                outcomes.recv().ok()
            }
            Round::Done { files, outcomes } => {
                self.started -= 1;
                self.ahead -= files;
                Some(outcomes)
            }
            Round::Waiting(jobs) => Some(Ok(jobs
                .into_iter()
                .map(|job| job.run(&self.held))
                .collect::<Vec<_>>())),
        };
        let checked = match handed {
            Some(Ok(checked)) => Ok(checked),
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Err("a checking thread stopped before its files were checked".to_string()),
        };
        if let Ok(checked) = &checked {
            let taken = checked
                .iter()
                .map(|(_, outcome)| match outcome {
                    Ok(Ok(report)) => report.text.len(),
                    _ => 0,
                })
                .sum();
            self.held.fetch_sub(taken, Ordering::Relaxed);
        }
        self.start();
        Some(checked)
    }

    /// Ends the round being filled.
    fn seal(&mut self) {
        if !self.filling.is_empty() {
            let jobs = std::mem::replace(&mut self.filling, Vec::with_capacity(ROUND_FILES));
            self.queue.push_back(Round::Waiting(jobs));
            self.start();
        }
    }

    /// Starts the waiting rounds, in order, while the bounds allow.
    fn start(&mut self) {
        self.collect();
        while let Some(Round::Waiting(jobs)) = self.queue.get(self.started) {
            let files = jobs.len();
            if !self.pool_ready()
                || self.running >= self.threads().saturating_mul(RUNNING_PER_THREAD)
                || self.ahead >= self.threads().saturating_mul(self.ahead_per_thread)
                || self.held.load(Ordering::Relaxed) >= self.held_bytes
            {
                return;
            }
            let (Some(pool), Some(Round::Waiting(jobs))) =
                (&self.pool, self.queue.get_mut(self.started))
            else {
                return;
            };
            let jobs = std::mem::take(jobs);
            let (send, outcomes) = mpsc::sync_channel(1);
            let held = self.held.clone();
            pool.spawn(Box::new(move || {
                let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    jobs.into_iter().map(|job| job.run(&held)).collect()
                }));
                // The receiver is gone only when the command stopped early.
                let _ = send.send(checked);
            }));
            self.queue[self.started] = Round::Started { files, outcomes };
            self.started += 1;
            self.ahead += files;
            self.running += 1;
        }
    }

    /// Marks the started rounds whose outcomes have come as done.
    fn collect(&mut self) {
        for round in self.queue.iter_mut().take(self.started) {
            if let Round::Started { files, outcomes } = round
                && let Ok(handed) = outcomes.try_recv()
            {
                *round = Round::Done {
                    files: *files,
                    outcomes: handed,
                };
                self.running -= 1;
            }
        }
    }

    /// The threads to check on, found out on first use.
    fn threads(&mut self) -> usize {
        *self.threads.get_or_insert_with(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        })
    }

    /// Whether the pool is there, starting it if it is worth it: not for one thread or one
    /// file, and with no more threads than files when fewer than a round are known.
    fn pool_ready(&mut self) -> bool {
        if self.pool.is_none() && self.threads != Some(1) {
            let known = self.filling.len()
                + self
                    .queue
                    .iter()
                    .map(|round| match round {
                        Round::Waiting(jobs) => jobs.len(),
                        Round::Started { files, .. } | Round::Done { files, .. } => *files,
                    })
                    .sum::<usize>();
            if known < 2 || self.threads() < 2 {
                return false;
            }
            // Rounds fill up while the walk goes on: a full one says more may come.
            let threads = if known >= ROUND_FILES {
                self.threads()
            } else {
                self.threads().min(known)
            };
            self.pool = Pool::start(threads);
            if self.pool.is_none() {
                // Without threads of its own, the command checks on this one.
                self.threads = Some(1);
            }
        }
        self.pool.is_some()
    }
}

/// A round to check, on whichever thread of the [`Pool`] is free first.
type Task = Box<dyn FnOnce() + Send>;

/// The checking threads. Rounds reach them through one queue; a thread takes the next round
/// when it is done with one, and sleeps while the queue is empty. A round is checked whole
/// on one thread: rounds are small enough for the threads to share the last ones evenly.
/// The threads end when the pool is dropped and the queue is empty.
struct Pool {
    tasks: mpsc::Sender<Task>,
}

impl Pool {
    /// A pool of `threads` threads (as many as could be started), or `None` when not one
    /// could.
    fn start(threads: usize) -> Option<Pool> {
        let (tasks, queue) = mpsc::channel::<Task>();
        let queue = Arc::new(Mutex::new(queue));
        let started = (0..threads)
            .filter(|i| {
                let queue = Arc::clone(&queue);
                std::thread::Builder::new()
                    .name(format!("dynroute-check-{i}"))
                    // As much stack as a main thread usually has, so that a file checks the
                    // same way on any thread.
                    .stack_size(8 << 20)
                    .spawn(move || {
                        // The lock is held only while waiting for a task, never while one
                        // runs (tasks catch their own panics): it is never poisoned.
                        while let Ok(task) = queue.lock().map_or(Err(mpsc::RecvError), |q| q.recv())
                        {
                            task();
                        }
                    })
                    .is_ok()
            })
            .count();
        (started > 0).then_some(Pool { tasks })
    }

    /// Queues `task` for the next free thread.
    fn spawn(&self, task: Task) {
        // The threads stop only when the pool is dropped.
        let _ = self.tasks.send(task);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = include_str!("../../spec/examples/valid/support-route.json");

    /// Job `i`: every third a broken route, every fifth unreadable, the others valid.
    fn job(i: usize) -> Job {
        let source = if i.is_multiple_of(5) {
            Source::Read(Err(format!("cannot read f{i}")))
        } else if i.is_multiple_of(3) {
            Source::Read(Ok(format!("{{\"name\": {i}}}").into_bytes()))
        } else {
            Source::Read(Ok(ROUTE.as_bytes().to_vec()))
        };
        Job {
            name: format!("f{i}"),
            source,
            config: Config::default(),
        }
    }

    #[test]
    fn outcomes_come_in_order_within_the_bounds() {
        // (threads, files ahead per thread, bytes held): one thread; a bound met by every
        // round; a byte bound met by the first broken file; the bounds of the command.
        for (threads, ahead, held) in [
            (1, AHEAD_PER_THREAD, HELD_BYTES),
            (2, 1, usize::MAX),
            (3, 40, 1),
            (4, AHEAD_PER_THREAD, HELD_BYTES),
        ] {
            let mut rounds = Rounds::bounded(Some(threads), ahead, held);
            let most = threads * ahead + ROUND_FILES;
            for i in 0..300 {
                rounds.push(job(i));
                assert!(rounds.ahead < most, "{} files ahead", rounds.ahead);
                assert!(rounds.running <= threads * RUNNING_PER_THREAD);
            }
            let mut names = Vec::new();
            while let Some(round) = rounds.next() {
                assert!(rounds.ahead < most, "{} files ahead", rounds.ahead);
                for (name, outcome) in round.expect("every round is checked") {
                    let i: usize = name[1..].parse().expect("a job's name");
                    match outcome.expect("the schema is usable") {
                        Err(message) => {
                            assert_eq!((i % 5, message), (0, format!("cannot read f{i}")))
                        }
                        Ok(report) => {
                            let broken = i.is_multiple_of(3);
                            assert_eq!(report.diagnostics.is_empty(), !broken, "{name}");
                            // Only a report with findings keeps its text.
                            assert_eq!(report.text.is_empty(), !broken, "{name}");
                        }
                    }
                    names.push(name);
                }
            }
            let expected: Vec<String> = (0..300).map(|i| format!("f{i}")).collect();
            assert_eq!(names, expected, "{threads} threads");
            assert_eq!(rounds.held.load(Ordering::Relaxed), 0);
            assert_eq!((rounds.started, rounds.ahead, rounds.running), (0, 0, 0));
            // No thread is started for one thread.
            assert_eq!(rounds.pool.is_some(), threads > 1);
        }
    }

    #[test]
    fn files_are_read_whole_and_errors_are_the_system_s() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let first = FIRST_READ;
        for size in [0, 1, 4095, 4096, 4097, first - 1, first, first + 1, 100_000] {
            let file = folder.path().join(format!("{size}.json"));
            let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            std::fs::write(&file, &bytes).expect("written");
            assert_eq!(read_file(&file, None).expect("read"), bytes, "{size} bytes");
            // A size found before the file changed: it is read whole all the same.
            for found in [0, 1, size.saturating_sub(1), size, size + 1, 4096, 1 << 20] {
                let read = read_file(&file, Some(found as u64)).expect("read");
                assert_eq!(read, bytes, "{size} bytes, found at {found}");
            }
        }
        for path in [
            folder.path().to_path_buf(),
            folder.path().join("missing.json"),
        ] {
            let std = std::fs::read(&path)
                .expect_err("not a readable file")
                .to_string();
            for found in [None, Some(4096)] {
                let ours = read_file(&path, found).expect_err("not a readable file");
                assert_eq!(ours.to_string(), std, "{path:?}, found at {found:?}");
            }
        }
        // A size of 0 says nothing: the file is read to its end.
        #[cfg(target_os = "linux")]
        assert!(
            !read_file(Path::new("/proc/self/status"), None)
                .expect("read")
                .is_empty()
        );
    }

    #[test]
    fn a_panic_while_checking_reaches_the_thread_that_takes_the_round() {
        for threads in [1, 2] {
            let mut rounds = Rounds::new(Some(threads));
            for i in 0..100 {
                let mut job = job(i);
                if i == 70 {
                    job.source = Source::Panic;
                }
                rounds.push(job);
            }
            let mut taken = 0;
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                while let Some(round) = rounds.next() {
                    taken += round.expect("checked").len();
                }
            }));
            let panic = caught.expect_err("the panic comes back");
            let message = panic.downcast_ref::<String>().map(String::as_str);
            assert_eq!(message, Some("checking f70 panicked"), "{threads} threads");
            // The rounds before the one with the panic were taken whole.
            assert_eq!(taken, 64, "{threads} threads");
        }
    }

    #[test]
    fn a_single_file_starts_no_thread() {
        let mut rounds = Rounds::new(Some(4));
        rounds.push(job(1));
        let round = rounds.next().expect("one round").expect("checked");
        assert_eq!(round.len(), 1);
        assert!(rounds.next().is_none());
        assert!(rounds.pool.is_none());
    }

    #[test]
    fn the_cores_are_counted_only_when_a_second_file_comes() {
        let mut alone = Rounds::new(None);
        alone.push(job(1));
        assert_eq!(alone.next().expect("one round").expect("checked").len(), 1);
        assert!(alone.next().is_none());
        assert_eq!(alone.threads, None);
        let mut rounds = Rounds::new(None);
        rounds.push(job(1));
        rounds.push(job(2));
        rounds.seal();
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        assert_eq!(rounds.threads, Some(cores));
        assert_eq!(rounds.pool.is_some(), cores > 1);
        let names: Vec<String> = std::iter::from_fn(|| rounds.next())
            .flat_map(|round| round.expect("checked"))
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, ["f1", "f2"]);
    }
}
