//! `chocopy repl`: the interactive loop around [`chocopy_driver::session::Session`]
//! (rustyline for line editing and history when standard input is a terminal;
//! plain lines, no prompts, otherwise).

use crate::ReplArgs;
use chocopy_driver::session::{EntryOutcome, Session, Splitter};
use chocopy_driver::{runner, Options, Stage, StrategyOpt};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const HELP: &str = "\
Enter ChocoPy declarations and statements; a compound statement ends with a blank line.
An expression's value is shown as Python's repr shows it (None is not shown).
Commands:
  :help              this text
  :quit              end the session (also Ctrl-D)
  :emit STAGE        show a stage of the last entry: ast, ir, inlined, boxed, lifted,
                     wat, closure-report
  :closure STRATEGY  compile the next entries with ref, lift, inline or auto
  :reset             forget every declaration and start a new session
Ctrl-C stops a running entry.
";

/// What a Ctrl-C handler needs to stop the running entry: the current session's
/// engine (whose epoch it advances) and its interrupted flag.
type InterruptHandle = Arc<Mutex<Option<(wasmtime::Engine, Arc<AtomicBool>)>>>;

/// The session's configuration, kept for `:reset`.
struct Config {
    opts: Options,
    cfg: runner::RunConfig,
    save_modules: Option<std::path::PathBuf>,
}

fn new_session(c: &Config, handle: &InterruptHandle) -> Result<Session, String> {
    let s = Session::new(
        c.opts.clone(),
        c.cfg.clone(),
        c.save_modules.clone(),
        Box::new(std::io::stdin()),
        Box::new(std::io::stdout()),
        Box::new(std::io::stderr()),
    )
    .map_err(|e| e.to_string())?;
    *handle.lock().unwrap() = Some(s.interrupt_handle());
    Ok(s)
}

/// Where the history is kept: `$XDG_DATA_HOME/chocopy/history`, or
/// `~/.local/share/chocopy/history`.
fn history_path() -> Option<std::path::PathBuf> {
    let data = match std::env::var_os("XDG_DATA_HOME") {
        Some(d) if !d.is_empty() => std::path::PathBuf::from(d),
        _ => std::path::PathBuf::from(std::env::var_os("HOME")?).join(".local/share"),
    };
    Some(data.join("chocopy").join("history"))
}

/// What a line starting with `:` asks for.
enum Command {
    Quit,
    Reset,
    Done,
}

fn command(line: &str, session: &mut Session) -> Command {
    let mut words = line.split_whitespace();
    let name = words.next().unwrap_or("");
    let arg = words.next();
    match (name, arg) {
        (":quit" | ":q" | ":exit", _) => Command::Quit,
        (":help" | ":h", _) => {
            print!("{HELP}");
            Command::Done
        }
        (":reset", _) => Command::Reset,
        (":emit", Some(stage)) => {
            match stage.parse::<Stage>() {
                Ok(stage) => match session.emit(stage) {
                    Ok(text) => print!("{text}"),
                    Err(f) => eprint!("{}", f.rendered),
                },
                Err(e) => eprintln!("error: {e}"),
            }
            Command::Done
        }
        (":closure", Some(s)) => {
            match s.parse::<chocopy_closure::Strategy>() {
                Ok(st) => {
                    session.set_strategy(st);
                    println!("closure strategy: {s}");
                }
                Err(e) => eprintln!("error: {e}"),
            }
            Command::Done
        }
        _ => {
            eprintln!("error: unknown command `{line}` (:help lists them)");
            Command::Done
        }
    }
}

pub(crate) fn main(args: &ReplArgs) -> ExitCode {
    let config = Config {
        opts: Options {
            strategy: StrategyOpt(args.closure),
            ..Options::default()
        },
        cfg: runner::RunConfig {
            fuel: args.limits.fuel,
            timeout: args.limits.timeout,
            memory_limit: Some(args.memory_limit),
            ..runner::RunConfig::default()
        },
        save_modules: args.save_modules.clone(),
    };
    let interactive = std::io::stdin().is_terminal();
    // Ctrl-C stops the running entry (an epoch interruption); with no entry
    // running and no terminal, it ends the session.
    let handle: InterruptHandle = Arc::default();
    let running = Arc::new(AtomicBool::new(false));
    {
        let (handle, running) = (handle.clone(), running.clone());
        let _ = ctrlc::set_handler(move || {
            if running.load(Ordering::SeqCst) {
                if let Some((engine, flag)) = handle.lock().unwrap().as_ref() {
                    flag.store(true, Ordering::SeqCst);
                    engine.increment_epoch();
                }
            } else if !interactive {
                std::process::exit(130);
            }
        });
    }
    let mut session = match new_session(&config, &handle) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the session: {e}");
            return ExitCode::from(70);
        }
    };
    let run = |session: &mut Session, name: &str, text: &str| -> EntryOutcome {
        running.store(true, Ordering::SeqCst);
        let o = session.run(name, text);
        running.store(false, Ordering::SeqCst);
        let _ = std::io::stdout().flush();
        o
    };
    if let Some(file) = &args.file {
        match chocopy_driver::load(file) {
            Ok(src) => {
                run(&mut session, &src.name, &src.text);
            }
            Err(f) => eprint!("{}", f.rendered),
        }
    }
    let mut entry_no = 0u32;
    let mut splitter = Splitter::new();
    let mut editor = if interactive {
        match rustyline::DefaultEditor::new() {
            Ok(e) => Some(e),
            Err(e) => {
                eprintln!("warning: no line editing: {e}");
                None
            }
        }
    } else {
        None
    };
    let history = history_path();
    if let (Some(ed), Some(h)) = (editor.as_mut(), &history) {
        let _ = ed.load_history(h);
        println!(
            "ChocoPy {} REPL (each entry compiled to WebAssembly). :help for help, Ctrl-D to quit.",
            env!("CARGO_PKG_VERSION")
        );
    }
    loop {
        let line = match editor.as_mut() {
            Some(ed) => {
                let prompt = if splitter.pending() { "... " } else { ">>> " };
                match ed.readline(prompt) {
                    Ok(l) => {
                        if !l.trim().is_empty() {
                            let _ = ed.add_history_entry(l.as_str());
                        }
                        Some(l)
                    }
                    Err(rustyline::error::ReadlineError::Interrupted) => {
                        println!("KeyboardInterrupt");
                        splitter.clear();
                        continue;
                    }
                    Err(_) => None,
                }
            }
            None => {
                let mut l = String::new();
                match std::io::stdin().read_line(&mut l) {
                    Ok(0) | Err(_) => None,
                    Ok(_) => {
                        let l = l.strip_suffix('\n').unwrap_or(&l);
                        Some(l.strip_suffix('\r').unwrap_or(l).to_string())
                    }
                }
            }
        };
        let Some(line) = line else {
            if let Some(text) = splitter.finish() {
                entry_no += 1;
                run(&mut session, &format!("<entry {entry_no}>"), &text);
            }
            break;
        };
        if !splitter.pending() && line.trim_start().starts_with(':') {
            match command(line.trim(), &mut session) {
                Command::Quit => break,
                Command::Reset => match new_session(&config, &handle) {
                    Ok(s) => {
                        session = s;
                        println!("session reset");
                    }
                    Err(e) => eprintln!("error: cannot reset the session: {e}"),
                },
                Command::Done => {}
            }
            let _ = std::io::stdout().flush();
            continue;
        }
        for text in splitter.line(&line) {
            entry_no += 1;
            run(&mut session, &format!("<entry {entry_no}>"), &text);
        }
    }
    if let (Some(ed), Some(h)) = (editor.as_mut(), &history) {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = ed.save_history(h);
    }
    ExitCode::SUCCESS
}
