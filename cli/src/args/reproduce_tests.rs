//! The core's reproduce commands ([`qisim_core::reproduce`]) parse back to the config they
//! were made from: the flag table there and the flags here agree.

use clap::Parser;
use qisim_core::config::kernel::Kernel;
use qisim_core::config::{BatchDist, TypeMix};
use qisim_core::reproduce::{self, ReproNames};
use qisim_core::{Config, PolicyKind};

use crate::{Cli, Cmd};

fn configs() -> Vec<Config> {
    let mut out = vec![Config::default()];
    for k in Kernel::ALL {
        for counts in [vec![0, 1], vec![1, 2, 0]] {
            let mut c = Config {
                qi_length: 8,
                ..Config::default()
            };
            k.apply(&mut c);
            c.workload.types = TypeMix::devtlb_share(0.5);
            c.per_submitter = counts
                .iter()
                .map(|&n| c.workload.with_counts(vec![n, n]))
                .collect();
            c.submitters = counts.len() as u32;
            c.faults.ite_rate = 0.25;
            c.faults.device_gone_rate = 0.5;
            c.faults.max_faults = 1;
            c.faults.ite_timing = qisim_core::config::IteTiming::WaitFetched;
            c.faults.no_ite_sid = counts.len() == 3;
            c.workload.submissions = 7; // shadowed by the per-submitter counts
            c.workload.batch = BatchDist::Uniform { min: 1, max: 3 };
            out.push(c);
        }
    }
    // The canonical schedule's config: fixed counts per CPU, written as --per-submitter.
    for name in ["commit", "seed", "kernel-7.0"] {
        out.push(
            qisim_core::config::preset::preset(name, PolicyKind::Legacy)
                .unwrap()
                .config,
        );
    }
    let mut odd = Config {
        policy: PolicyKind::Legacy,
        submitters: 5,
        seed: 9,
        step_limit: 77,
        fetch_depth: 1,
        watchdog: 12345,
        bucket: 7,
        trace: true,
        scheduler: qisim_core::SchedulerConfig::Pct { depth: 2, steps: 0 },
        hardware: qisim_core::HardwareMode::Sync,
        ..Config::default()
    };
    odd.workload.drain = true;
    odd.workload.types.context = 0.5;
    odd.workload.batch = BatchDist::Uniform { min: 1, max: 2 };
    out.push(odd.clone());
    odd.per_submitter = vec![odd.workload.with_counts(vec![3]); 5];
    // A fixed count is a sequence of that count (the canonical schedule's config).
    odd.per_submitter[1].batch = BatchDist::Fixed { count: 2 };
    odd.per_submitter[3].batch = BatchDist::Uniform { min: 1, max: 1 };
    odd.per_submitter[2].think_ns = 5;
    odd.program = Some(Kernel::V7_0.shipped().source.to_string());
    odd.policy = PolicyKind::Fixed;
    out.push(odd);
    out
}

#[test]
fn every_reproduce_command_builds_its_config() {
    let dir = std::env::temp_dir().join(format!("qisim-repro-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, cfg) in configs().into_iter().enumerate() {
        cfg.validate().unwrap_or_else(|e| panic!("config {i}: {e}"));
        for file in [false, true] {
            let names = ReproNames {
                program_file: Some(dir.join(format!("p{i}.qi")).display().to_string()),
                config_file: file.then(|| dir.join(format!("c{i}.json")).display().to_string()),
            };
            let r = reproduce::replay(&cfg, "q1:a", &names);
            if i == 1 + 2 * Kernel::ALL.len() {
                assert!(
                    r.command.contains("--per-submitter 1 --per-submitter 0"),
                    "{}",
                    r.command
                );
            }
            for f in &r.files {
                std::fs::write(&f.name, &f.contents).unwrap();
            }
            let cli = Cli::try_parse_from(std::iter::once("qisim".to_string()).chain(r.args))
                .unwrap_or_else(|e| panic!("{}: {e}", r.command));
            let Cmd::Replay(a) = cli.cmd else {
                panic!("{}: not a replay", r.command)
            };
            let built = a
                .cfg
                .build()
                .unwrap_or_else(|e| panic!("{}: {}", r.command, e.0));
            assert_eq!(built, reproduce::as_reproduced(&cfg), "{}", r.command);
            assert_eq!(a.replay, "q1:a");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
