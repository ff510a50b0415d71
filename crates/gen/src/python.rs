//! A persistent CPython process that runs programs one at a time
//! (`support/worker.py`): starting `python3` for each of the thousands of programs a
//! run checks would cost more than running them.
//!
//! Each program gets a fresh global namespace, its standard output captured, and a
//! wall-time limit (`SIGALRM`). The answer classifies how it ended ([`Ran`]).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

const WORKER: &str = include_str!("../support/worker.py");

/// How a program ended under CPython.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// It ran to the end.
    Ok,
    /// A ChocoPy runtime error, by exit code (1 invalid argument, 2 division by zero,
    /// 3 index out of bounds, 4 operation on None).
    Error(i32),
    /// It left what the generator promises (32-bit overflow, size, time, recursion
    /// depth): not a valid test.
    Reject(String),
    /// Any other exception: a bug of the generator or of a printer.
    Unexpected(String),
}

/// A run: standard output and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// What the program printed.
    pub out: String,
    /// How it ended.
    pub status: Status,
}

impl Ran {
    /// The output in the form of a compiled ChocoPy program's: standard output, then
    /// the runtime error's message line (as the reference prints it), and the exit
    /// code. `None` for rejected and unexpected runs.
    pub fn as_chocopy(&self) -> Option<(String, i32)> {
        match &self.status {
            Status::Ok => Some((self.out.clone(), 0)),
            Status::Error(code) => {
                let msg = match code {
                    1 => "Invalid argument",
                    2 => "Division by zero",
                    3 => "Index out of bounds",
                    _ => "Operation on None",
                };
                Some((format!("{}{msg}\n", self.out), *code))
            }
            _ => None,
        }
    }
}

/// A running worker process.
pub struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Python {
    /// Starts `python3` with the worker. Errors: `python3` cannot be started.
    pub fn start() -> std::io::Result<Python> {
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(WORKER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Ok(Python {
            child,
            stdin,
            stdout,
        })
    }

    /// Runs `program` with a time limit. A worker that died (a crash of CPython
    /// itself) is restarted and the answer is [`Status::Unexpected`].
    pub fn run(&mut self, program: &str, limit: Duration) -> Ran {
        match self.try_run(program, limit) {
            Ok(r) => r,
            Err(e) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                if let Ok(p) = Python::start() {
                    *self = p;
                }
                Ran {
                    out: String::new(),
                    status: Status::Unexpected(format!("the CPython worker failed: {e}")),
                }
            }
        }
    }

    fn try_run(&mut self, program: &str, limit: Duration) -> std::io::Result<Ran> {
        write!(
            self.stdin,
            "{} {}\n{program}",
            program.len(),
            limit.as_secs_f64()
        )?;
        self.stdin.flush()?;
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("no answer"));
        }
        let v: serde_json::Value = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        let out = v["out"].as_str().unwrap_or_default().to_string();
        let detail = &v["detail"];
        let status = match v["status"].as_str() {
            Some("ok") => Status::Ok,
            Some("error") => Status::Error(detail.as_i64().unwrap_or(0) as i32),
            Some("reject") => Status::Reject(detail.as_str().unwrap_or_default().into()),
            _ => Status::Unexpected(detail.as_str().unwrap_or_default().into()),
        };
        Ok(Ran { out, status })
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
