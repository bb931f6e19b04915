//! Fargate task sizes and prices: which cpu/memory pairs are valid and what a task costs.

use crate::model::cost;

/// Operating system family of a Fargate task (the task definition's `runtimePlatform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FargateOs {
    /// Linux (x86_64 or ARM64).
    Linux,
    /// Windows Server (x86_64 only).
    Windows,
}

/// Task-level cpu values Fargate accepts on Linux (ref 10.1); 8192 and 16384 need platform 1.4.0+.
pub const FARGATE_LINUX_CPU_UNITS: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// Task-level cpu values Fargate accepts on Windows (ref 10.1: at least 1 vCPU).
pub const FARGATE_WINDOWS_CPU_UNITS: [u32; 3] = [1024, 2048, 4096];

/// Hourly Fargate rates for one vCPU and one GB of memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FargatePrice {
    /// USD per vCPU-hour.
    pub usd_per_vcpu_hour: f64,
    /// USD per GB-hour of memory (GB here is GiB: 1024 MiB).
    pub usd_per_gb_hour: f64,
    /// USD per GB-hour of ephemeral storage beyond the 20 GiB every task has.
    pub usd_per_ephemeral_gb_hour: f64,
}

/// Ephemeral storage every Fargate task has without paying for it, GiB (reference 10.1, 10.3).
pub const FARGATE_INCLUDED_EPHEMERAL_GIB: u32 = 20;

/// Fargate's price of ephemeral storage beyond the included 20 GiB, us-east-1, per GB-hour, for
/// x86 and ARM alike (reference 10.3).
pub const FARGATE_EPHEMERAL_USD_PER_GB_HOUR: f64 = 0.000111;

/// Fargate Linux/x86_64 on-demand rates, us-east-1 (ref 10.3).
pub const FARGATE_LINUX_X86: FargatePrice = FargatePrice {
    usd_per_vcpu_hour: 0.04048,
    usd_per_gb_hour: 0.004445,
    usd_per_ephemeral_gb_hour: FARGATE_EPHEMERAL_USD_PER_GB_HOUR,
};

/// Fargate Linux/ARM64 on-demand rates, us-east-1 (ref 10.3).
pub const FARGATE_LINUX_ARM: FargatePrice = FargatePrice {
    usd_per_vcpu_hour: 0.03238,
    usd_per_gb_hour: 0.00356,
    usd_per_ephemeral_gb_hour: FARGATE_EPHEMERAL_USD_PER_GB_HOUR,
};

/// Default FARGATE_SPOT discount off on-demand; AWS documents only "up to 70 % off" (ref 10.3).
///
/// The real Spot price varies; the simulator charges `(1 - discount) x on-demand` and exposes the
/// discount as a setting whose default is this documented upper bound.
pub const FARGATE_SPOT_DISCOUNT: f64 = 0.70;

/// Minimum billed duration of a Fargate task (per-second billing, 1-minute minimum, ref 10.3).
pub const FARGATE_MINIMUM_BILLED_MS: u64 = 60_000;

const CPU_UNITS_PER_VCPU: f64 = 1024.0;
const MIB_PER_GB: f64 = 1024.0;
const MS_PER_HOUR: f64 = 3_600_000.0;

/// Valid task memory values in MiB for a Fargate cpu value (ref 10.1); empty if the cpu is invalid.
pub fn valid_fargate_memories(cpu_units: u32) -> Vec<u64> {
    match cpu_units {
        256 => vec![512, 1024, 2048],
        512 => stepped(1024, 4096, 1024),
        1024 => stepped(2048, 8192, 1024),
        2048 => stepped(4096, 16_384, 1024),
        4096 => stepped(8192, 30_720, 1024),
        8192 => stepped(16_384, 61_440, 4096),
        16_384 => stepped(32_768, 122_880, 8192),
        _ => Vec::new(),
    }
}

/// Checks a task-level cpu/memory pair against the Fargate table (ref 10.1).
pub fn validate_fargate_size(cpu_units: u32, memory_mib: u64, os: FargateOs) -> Result<(), String> {
    let valid_cpus: &[u32] = match os {
        FargateOs::Linux => &FARGATE_LINUX_CPU_UNITS,
        FargateOs::Windows => &FARGATE_WINDOWS_CPU_UNITS,
    };
    if !valid_cpus.contains(&cpu_units) {
        let os_words = match os {
            FargateOs::Linux => "Fargate",
            FargateOs::Windows => "Fargate on Windows",
        };
        return Err(format!(
            "{os_words} does not support cpu {cpu_units}; use {}",
            or_list(valid_cpus)
        ));
    }
    let memories = valid_fargate_memories(cpu_units);
    if memories.contains(&memory_mib) {
        Ok(())
    } else {
        Err(format!(
            "Fargate does not support cpu {cpu_units} with memory {memory_mib} MiB; \
             with cpu {cpu_units} use memory {}",
            or_list(&memories)
        ))
    }
}

/// Price with a Spot discount applied: `(1 - discount) x on_demand` for vCPU and memory;
/// ephemeral storage keeps its on-demand rate (A20: Fargate Spot discounts compute).
pub fn spot_price(on_demand: &FargatePrice, discount: f64) -> FargatePrice {
    FargatePrice {
        usd_per_vcpu_hour: on_demand.usd_per_vcpu_hour * (1.0 - discount),
        usd_per_gb_hour: on_demand.usd_per_gb_hour * (1.0 - discount),
        usd_per_ephemeral_gb_hour: on_demand.usd_per_ephemeral_gb_hour,
    }
}

/// USD per hour of a task's ephemeral storage: what `size_gib` (`ephemeralStorage.sizeInGiB`,
/// `None` for the default) has beyond the included 20 GiB (reference 10.3, case 47).
pub fn ephemeral_storage_usd_per_hour(size_gib: Option<u32>, price: &FargatePrice) -> f64 {
    let billed = size_gib.map_or(0, |s| s.saturating_sub(FARGATE_INCLUDED_EPHEMERAL_GIB));
    f64::from(billed) * price.usd_per_ephemeral_gb_hour
}

/// Cost in USD of one Fargate task billed for `billed_ms` (per-second billing rounded up, 1-minute minimum).
pub fn fargate_task_cost_usd(cpu_units: u32, memory_mib: u64, billed_ms: u64, price: &FargatePrice) -> f64 {
    let vcpus = f64::from(cpu_units) / CPU_UNITS_PER_VCPU;
    let memory_gb = memory_mib as f64 / MIB_PER_GB;
    let usd_per_hour = vcpus * price.usd_per_vcpu_hour + memory_gb * price.usd_per_gb_hour;
    let charged_ms = cost::billed_ms(billed_ms, FARGATE_MINIMUM_BILLED_MS);
    usd_per_hour * charged_ms as f64 / MS_PER_HOUR
}

fn stepped(first_mib: u64, last_mib: u64, step_mib: u64) -> Vec<u64> {
    (first_mib..=last_mib).step_by(step_mib as usize).collect()
}

/// Renders `[a, b, c]` as "a, b or c" for error messages.
fn or_list<T: ToString>(values: &[T]) -> String {
    let words: Vec<String> = values.iter().map(ToString::to_string).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_size(cpu_units: u32, memory_mib: u64, os: FargateOs, expected: Result<(), &str>) {
        let actual = validate_fargate_size(cpu_units, memory_mib, os);
        assert_eq!(
            actual,
            expected.map_err(str::to_owned),
            "cpu {cpu_units}, memory {memory_mib} MiB, {os:?}"
        );
    }

    #[test]
    fn case_31_fargate_size_validation() {
        use FargateOs::Linux;
        // Case 31, row by row.
        check_size(256, 512, Linux, Ok(()));
        check_size(
            256,
            4096,
            Linux,
            Err("Fargate does not support cpu 256 with memory 4096 MiB; \
                 with cpu 256 use memory 512, 1024 or 2048"),
        );
        check_size(1024, 8192, Linux, Ok(()));
        check_size(4096, 30_720, Linux, Ok(()));
        assert!(validate_fargate_size(4096, 31_744, Linux).is_err());
        check_size(8192, 20_480, Linux, Ok(()));
        check_size(
            8192,
            18_432,
            Linux,
            Err(
                "Fargate does not support cpu 8192 with memory 18432 MiB; with cpu 8192 use \
                 memory 16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, \
                 57344 or 61440",
            ),
        );
        check_size(16_384, 122_880, Linux, Ok(()));
    }

    #[test]
    fn other_sizes_and_windows() {
        use FargateOs::{Linux, Windows};
        check_size(
            300,
            1024,
            Linux,
            Err("Fargate does not support cpu 300; use 256, 512, 1024, 2048, 4096, 8192 or 16384"),
        );
        check_size(
            256,
            1536,
            Linux,
            Err("Fargate does not support cpu 256 with memory 1536 MiB; with cpu 256 use memory 512, 1024 or 2048"),
        );
        check_size(512, 3072, Linux, Ok(()));
        check_size(2048, 16_384, Linux, Ok(()));
        check_size(
            16_384,
            131_072,
            Linux,
            Err(
                "Fargate does not support cpu 16384 with memory 131072 MiB; with cpu 16384 use memory \
             32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688 or 122880",
            ),
        );
        check_size(1024, 2048, Windows, Ok(()));
        check_size(4096, 30_720, Windows, Ok(()));
        check_size(
            256,
            512,
            Windows,
            Err("Fargate on Windows does not support cpu 256; use 1024, 2048 or 4096"),
        );
        check_size(
            8192,
            16_384,
            Windows,
            Err("Fargate on Windows does not support cpu 8192; use 1024, 2048 or 4096"),
        );
        check_size(
            1024,
            512,
            Windows,
            Err(
                "Fargate does not support cpu 1024 with memory 512 MiB; with cpu 1024 use memory \
             2048, 3072, 4096, 5120, 6144, 7168 or 8192",
            ),
        );
    }

    #[track_caller]
    fn check_memories(cpu_units: u32, count: usize, first_mib: u64, last_mib: u64) {
        let memories = valid_fargate_memories(cpu_units);
        assert_eq!(memories.len(), count, "cpu {cpu_units}: {memories:?}");
        assert_eq!(memories.first(), Some(&first_mib), "cpu {cpu_units}");
        assert_eq!(memories.last(), Some(&last_mib), "cpu {cpu_units}");
    }

    #[test]
    fn memory_ranges_match_reference_table() {
        // Ref 10.1.
        check_memories(256, 3, 512, 2048);
        check_memories(512, 4, 1024, 4096);
        check_memories(1024, 7, 2048, 8192);
        check_memories(2048, 13, 4096, 16_384);
        check_memories(4096, 23, 8192, 30_720);
        check_memories(8192, 12, 16_384, 61_440);
        check_memories(16_384, 12, 32_768, 122_880);
        assert_eq!(valid_fargate_memories(128), Vec::<u64>::new());
        assert_eq!(valid_fargate_memories(0), Vec::<u64>::new());
    }

    #[track_caller]
    fn check_cost(cpu_units: u32, memory_mib: u64, billed_ms: u64, price: &FargatePrice, expected_usd: f64) {
        let actual = fargate_task_cost_usd(cpu_units, memory_mib, billed_ms, price);
        assert!(
            (actual - expected_usd).abs() < 1e-9,
            "cpu {cpu_units}, memory {memory_mib} MiB, {billed_ms} ms: expected {expected_usd}, got {actual}"
        );
    }

    #[test]
    fn case_32_fargate_cost() {
        // Case 32: 0.25 vCPU / 0.5 GB for 1 h.
        check_cost(256, 512, 3_600_000, &FARGATE_LINUX_X86, 0.0123425);
        // Case 32: 1 vCPU / 2 GB for 30 s is billed as 60 s.
        check_cost(1024, 2048, 30_000, &FARGATE_LINUX_X86, 0.000822833333);
        // Case 32: 4 vCPU / 16 GB for 24 h.
        check_cost(4096, 16_384, 86_400_000, &FARGATE_LINUX_X86, 5.59296);
    }

    #[test]
    fn cost_rounding_arm_and_spot() {
        let one_vcpu_two_gb_per_hour = 0.04048 + 2.0 * 0.004445;
        // 60.001 s rounds up to 61 s.
        check_cost(
            1024,
            2048,
            60_001,
            &FARGATE_LINUX_X86,
            one_vcpu_two_gb_per_hour * 61.0 / 3600.0,
        );
        check_cost(1024, 2048, 0, &FARGATE_LINUX_X86, one_vcpu_two_gb_per_hour / 60.0);
        check_cost(1024, 2048, 3_600_000, &FARGATE_LINUX_ARM, 0.03238 + 2.0 * 0.00356);
        let spot = spot_price(&FARGATE_LINUX_X86, FARGATE_SPOT_DISCOUNT);
        check_cost(1024, 2048, 3_600_000, &spot, 0.3 * one_vcpu_two_gb_per_hour);
        let no_discount = spot_price(&FARGATE_LINUX_X86, 0.0);
        check_cost(1024, 2048, 3_600_000, &no_discount, one_vcpu_two_gb_per_hour);
    }

    #[test]
    fn case_47_ephemeral_storage_beyond_20_gib() {
        let per_hour = |size| ephemeral_storage_usd_per_hour(size, &FARGATE_LINUX_X86);
        assert_eq!(per_hour(None), 0.0);
        assert_eq!(per_hour(Some(20)), 0.0);
        // 100 GiB: 80 billed at $0.000111 = $0.00888 an hour.
        assert!((per_hour(Some(100)) - 0.00888).abs() < 1e-12);
        assert!((per_hour(Some(200)) - 180.0 * 0.000111).abs() < 1e-12);
        // The Spot discount leaves storage at its rate.
        let spot = spot_price(&FARGATE_LINUX_X86, FARGATE_SPOT_DISCOUNT);
        assert_eq!(ephemeral_storage_usd_per_hour(Some(100), &spot), per_hour(Some(100)));
    }

    #[track_caller]
    fn check_or_list(values: &[u32], expected: &str) {
        assert_eq!(or_list(values), expected);
    }

    #[test]
    fn or_list_joins_with_commas_and_or() {
        check_or_list(&[], "");
        check_or_list(&[1], "1");
        check_or_list(&[1, 2], "1 or 2");
        check_or_list(&[1, 2, 3], "1, 2 or 3");
    }
}
