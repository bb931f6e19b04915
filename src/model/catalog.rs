//! The EC2 instance-type catalog: size, network-interface limits and on-demand price of each type.
//!
//! Sources and assumptions, per column:
//! * vCPUs and memory: the EC2 instance-type pages (memory in GiB x 1024).
//! * `max_enis`: the EC2 "maximum network interfaces" figure for the type. Reference section 9.6
//!   confirms it for c5/m5 large to 4xlarge and m6i.8xlarge (tasks without trunking + 1).
//! * `ipv4_per_eni`: the EC2 "IPv4 addresses per interface" figure (network card 0), which the
//!   VPC CNI's max-pods formula reads (k8s-semantics 7.2): t3.small 4, t3.medium 6, t3.large 12,
//!   every large size of the other families 10, xlarge and 2xlarge 15, 4xlarge and 8xlarge 30. Each
//!   agrees with the EKS AMI's `eni-max-pods.txt` (`ENIs x (IPv4 - 1) + 2`).
//! * `awsvpc_trunk_tasks`: the ECS ENI-trunking table (ref 9.6) where it lists the type; for the
//!   other Nitro families here (c6i, r5, r6i, m7g, c7g) the ECS table gives the same per-size
//!   figures as m5/c5 (large 10, xlarge 20, 2xlarge 40, 4xlarge 60). t3 is treated as not
//!   supporting trunking (0).
//! * Prices: see [`PRICES_AS_OF`].

/// Month the on-demand prices were taken from.
///
/// The figures are the AWS public on-demand price list for us-east-1, Linux, shared tenancy. These
/// rates have not changed since each family launched; m7g.large ($0.0816) and t3.large ($0.0832)
/// were cross-checked against third-party copies of the price list from June 2026.
pub const PRICES_AS_OF: &str = "2026-06";

/// CPU architecture of an instance type, as the ECS attribute `ecs.cpu-architecture` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CpuArchitecture {
    /// Intel or AMD 64-bit.
    X86_64,
    /// AWS Graviton (64-bit ARM).
    Arm64,
}

impl CpuArchitecture {
    /// The ECS attribute value: "x86_64" or "arm64".
    pub fn as_str(self) -> &'static str {
        match self {
            CpuArchitecture::X86_64 => "x86_64",
            CpuArchitecture::Arm64 => "arm64",
        }
    }
}

/// One EC2 instance type with the figures the simulator needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InstanceType {
    /// API name, e.g. "m5.large".
    pub name: &'static str,
    /// Number of vCPUs.
    pub vcpus: u32,
    /// EC2 memory in MiB (before the ECS agent's reservation), e.g. m5.large 8192.
    pub memory_mib: u64,
    /// EC2 maximum number of network interfaces, the primary one included.
    pub max_enis: u32,
    /// EC2 maximum private IPv4 addresses per network interface (the primary address included).
    pub ipv4_per_eni: u32,
    /// awsvpc tasks per instance with ENI trunking (ref 9.6); 0 if the type does not support it.
    pub awsvpc_trunk_tasks: u32,
    /// CPU architecture.
    pub architecture: CpuArchitecture,
    /// Linux on-demand price in us-east-1, USD per hour.
    pub on_demand_usd_per_hour: f64,
}

impl InstanceType {
    /// CPU units ECS registers for the instance: 1024 per vCPU.
    pub fn cpu_units(&self) -> u32 {
        self.vcpus * 1024
    }

    /// awsvpc tasks placeable without trunking: `max_enis - 1`, as the primary ENI counts (ref 9.6, case 37).
    pub fn awsvpc_tasks_without_trunking(&self) -> u32 {
        self.max_enis.saturating_sub(1)
    }

    /// awsvpc tasks placeable with the `awsvpcTrunking` account setting (ref 9.6, case 37);
    /// `None` when the type does not support trunking (it keeps the limit without trunking).
    pub fn awsvpc_tasks_with_trunking(&self) -> Option<u32> {
        (self.awsvpc_trunk_tasks > 0).then_some(self.awsvpc_trunk_tasks)
    }
}

/// Largest edit distance for which [`closest_instance_type_name`] still suggests a name.
const MAX_SUGGESTION_DISTANCE: usize = 3;

const fn x86(
    name: &'static str,
    vcpus: u32,
    memory_gib: u64,
    max_enis: u32,
    ipv4_per_eni: u32,
    awsvpc_trunk_tasks: u32,
    on_demand_usd_per_hour: f64,
) -> InstanceType {
    InstanceType {
        name,
        vcpus,
        memory_mib: memory_gib * 1024,
        max_enis,
        ipv4_per_eni,
        awsvpc_trunk_tasks,
        architecture: CpuArchitecture::X86_64,
        on_demand_usd_per_hour,
    }
}

const fn arm(
    name: &'static str,
    vcpus: u32,
    memory_gib: u64,
    max_enis: u32,
    ipv4_per_eni: u32,
    awsvpc_trunk_tasks: u32,
    on_demand_usd_per_hour: f64,
) -> InstanceType {
    InstanceType {
        architecture: CpuArchitecture::Arm64,
        ..x86(
            name,
            vcpus,
            memory_gib,
            max_enis,
            ipv4_per_eni,
            awsvpc_trunk_tasks,
            on_demand_usd_per_hour,
        )
    }
}

/// The catalog, sorted by name (byte order) so lookups can binary-search.
#[rustfmt::skip]
static INSTANCE_TYPES: [InstanceType; 38] = [
    //   name           vCPU GiB ENIs IPv4 trunk $/hour
    x86("c5.2xlarge",     8, 16, 4, 15, 40, 0.34),
    x86("c5.4xlarge",    16, 32, 8, 30, 60, 0.68),
    x86("c5.large",       2,  4, 3, 10, 10, 0.085),
    x86("c5.xlarge",      4,  8, 4, 15, 20, 0.17),
    x86("c6i.2xlarge",    8, 16, 4, 15, 40, 0.34),
    x86("c6i.4xlarge",   16, 32, 8, 30, 60, 0.68),
    x86("c6i.large",      2,  4, 3, 10, 10, 0.085),
    x86("c6i.xlarge",     4,  8, 4, 15, 20, 0.17),
    arm("c7g.2xlarge",    8, 16, 4, 15, 40, 0.29),
    arm("c7g.4xlarge",   16, 32, 8, 30, 60, 0.58),
    arm("c7g.large",      2,  4, 3, 10, 10, 0.0725),
    arm("c7g.xlarge",     4,  8, 4, 15, 20, 0.145),
    x86("m5.2xlarge",     8, 32, 4, 15, 40, 0.384),
    x86("m5.4xlarge",    16, 64, 8, 30, 60, 0.768),
    x86("m5.large",       2,  8, 3, 10, 10, 0.096),
    x86("m5.xlarge",      4, 16, 4, 15, 20, 0.192),
    x86("m6i.2xlarge",    8, 32, 4, 15, 40, 0.384),
    x86("m6i.4xlarge",   16, 64, 8, 30, 60, 0.768),
    x86("m6i.8xlarge",   32, 128, 8, 30, 90, 1.536),
    x86("m6i.large",      2,  8, 3, 10, 10, 0.096),
    x86("m6i.xlarge",     4, 16, 4, 15, 20, 0.192),
    arm("m7g.2xlarge",    8, 32, 4, 15, 40, 0.3264),
    arm("m7g.4xlarge",   16, 64, 8, 30, 60, 0.6528),
    arm("m7g.large",      2,  8, 3, 10, 10, 0.0816),
    arm("m7g.xlarge",     4, 16, 4, 15, 20, 0.1632),
    x86("r5.2xlarge",     8, 64, 4, 15, 40, 0.504),
    x86("r5.4xlarge",    16, 128, 8, 30, 60, 1.008),
    x86("r5.large",       2, 16, 3, 10, 10, 0.126),
    x86("r5.xlarge",      4, 32, 4, 15, 20, 0.252),
    x86("r6i.2xlarge",    8, 64, 4, 15, 40, 0.504),
    x86("r6i.4xlarge",   16, 128, 8, 30, 60, 1.008),
    x86("r6i.large",      2, 16, 3, 10, 10, 0.126),
    x86("r6i.xlarge",     4, 32, 4, 15, 20, 0.252),
    // t3 has no 4xlarge; t3.small and t3.medium round the family out instead.
    x86("t3.2xlarge",     8, 32, 4, 15,  0, 0.3328),
    x86("t3.large",       2,  8, 3, 12,  0, 0.0832),
    x86("t3.medium",      2,  4, 3,  6,  0, 0.0416),
    x86("t3.small",       2,  2, 3,  4,  0, 0.0208),
    x86("t3.xlarge",      4, 16, 4, 15,  0, 0.1664),
];

/// Looks up an instance type by its exact API name.
pub fn instance_type(name: &str) -> Option<&'static InstanceType> {
    INSTANCE_TYPES
        .binary_search_by(|candidate| candidate.name.cmp(name))
        .ok()
        .map(|index| &INSTANCE_TYPES[index])
}

/// Every instance type in the catalog, sorted by name.
pub fn all_instance_types() -> &'static [InstanceType] {
    &INSTANCE_TYPES
}

/// The catalog name nearest to `name` by edit distance, for "did you mean" hints; None beyond distance 3.
///
/// Case is ignored, since every catalog name is lowercase and "M5.large" can only mean one type.
/// Ties go to the name that sorts first, so the suggestion is deterministic.
pub fn closest_instance_type_name(name: &str) -> Option<&'static str> {
    let typed = name.to_lowercase();
    INSTANCE_TYPES
        .iter()
        .map(|candidate| (levenshtein_distance(&typed, candidate.name), candidate.name))
        .filter(|&(distance, _)| distance <= MAX_SUGGESTION_DISTANCE)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate_name)| candidate_name)
}

/// Number of single-character insertions, deletions and substitutions turning `a` into `b`.
fn levenshtein_distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    // previous_row[j] is the distance between the prefix of `a` seen so far and b[..j].
    let mut previous_row: Vec<usize> = (0..=b_chars.len()).collect();
    let mut current_row = vec![0; b_chars.len() + 1];
    for (i, a_char) in a.chars().enumerate() {
        current_row[0] = i + 1;
        for (j, &b_char) in b_chars.iter().enumerate() {
            let substitution = previous_row[j] + usize::from(a_char != b_char);
            let deletion = previous_row[j + 1] + 1;
            let insertion = current_row[j] + 1;
            current_row[j + 1] = substitution.min(deletion).min(insertion);
        }
        std::mem::swap(&mut previous_row, &mut current_row);
    }
    previous_row[b_chars.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_type(
        name: &str,
        vcpus: u32,
        memory_mib: u64,
        tasks_without_trunking: u32,
        trunk_tasks: u32,
        architecture: &str,
        usd_per_hour: f64,
    ) {
        let found = instance_type(name).unwrap_or_else(|| panic!("{name} missing from catalog"));
        assert_eq!(found.name, name);
        assert_eq!(found.vcpus, vcpus, "{name} vcpus");
        assert_eq!(found.cpu_units(), vcpus * 1024, "{name} cpu units");
        assert_eq!(found.memory_mib, memory_mib, "{name} memory");
        assert_eq!(
            found.awsvpc_tasks_without_trunking(),
            tasks_without_trunking,
            "{name} awsvpc tasks without trunking"
        );
        assert_eq!(found.awsvpc_trunk_tasks, trunk_tasks, "{name} trunk tasks");
        assert_eq!(found.architecture.as_str(), architecture, "{name} architecture");
        assert_eq!(found.on_demand_usd_per_hour, usd_per_hour, "{name} price");
    }

    #[test]
    fn lookups_return_published_figures() {
        // Case 37: c5.large places 2 awsvpc tasks without trunking, 10 with.
        check_type("c5.large", 2, 4096, 2, 10, "x86_64", 0.085);
        // Case 37: m5.xlarge places 20 with trunking.
        check_type("m5.xlarge", 4, 16_384, 3, 20, "x86_64", 0.192);
        // Ref 9.6 rows.
        check_type("m5.large", 2, 8192, 2, 10, "x86_64", 0.096);
        check_type("m6i.large", 2, 8192, 2, 10, "x86_64", 0.096);
        check_type("c5.2xlarge", 8, 16_384, 3, 40, "x86_64", 0.34);
        check_type("m5.4xlarge", 16, 65_536, 7, 60, "x86_64", 0.768);
        check_type("m6i.8xlarge", 32, 131_072, 7, 90, "x86_64", 1.536);
        check_type("r5.large", 2, 16_384, 2, 10, "x86_64", 0.126);
        check_type("t3.large", 2, 8192, 2, 0, "x86_64", 0.0832);
        check_type("t3.small", 2, 2048, 2, 0, "x86_64", 0.0208);
        check_type("m7g.large", 2, 8192, 2, 10, "arm64", 0.0816);
        check_type("c7g.4xlarge", 16, 32_768, 7, 60, "arm64", 0.58);
        check_type("r6i.4xlarge", 16, 131_072, 7, 60, "x86_64", 1.008);
    }

    #[track_caller]
    fn check_ipv4_per_eni(name: &str, max_enis: u32, ipv4_per_eni: u32) {
        let found = instance_type(name).unwrap_or_else(|| panic!("{name} missing from catalog"));
        assert_eq!((found.max_enis, found.ipv4_per_eni), (max_enis, ipv4_per_eni), "{name}");
    }

    #[test]
    fn ipv4_addresses_per_interface_are_the_ec2_figures() {
        // k8s-semantics 7.2's table: t3.medium 3 x 6, m5/c5/m6i.large 3 x 10, xlarge and
        // 2xlarge 4 x 15.
        check_ipv4_per_eni("t3.medium", 3, 6);
        check_ipv4_per_eni("m5.large", 3, 10);
        check_ipv4_per_eni("c5.large", 3, 10);
        check_ipv4_per_eni("m6i.large", 3, 10);
        check_ipv4_per_eni("m5.xlarge", 4, 15);
        check_ipv4_per_eni("c5.xlarge", 4, 15);
        check_ipv4_per_eni("m5.2xlarge", 4, 15);
        // The EC2 documentation's figures for the rest of the catalog.
        check_ipv4_per_eni("t3.small", 3, 4);
        check_ipv4_per_eni("t3.large", 3, 12);
        check_ipv4_per_eni("t3.2xlarge", 4, 15);
        check_ipv4_per_eni("m5.4xlarge", 8, 30);
        check_ipv4_per_eni("m6i.8xlarge", 8, 30);
        check_ipv4_per_eni("c7g.4xlarge", 8, 30);
        check_ipv4_per_eni("r6i.large", 3, 10);
        for each in all_instance_types() {
            assert!(each.ipv4_per_eni >= 4, "{}", each.name);
            if !each.name.starts_with("t3.") {
                // Outside the burstable family the figure follows the ENI count.
                let expected = match each.max_enis {
                    3 => 10,
                    4 => 15,
                    _ => 30,
                };
                assert_eq!(each.ipv4_per_eni, expected, "{}", each.name);
            }
        }
    }

    #[track_caller]
    fn check_missing(name: &str) {
        assert_eq!(instance_type(name), None, "{name}");
    }

    #[test]
    fn unknown_names_are_not_found() {
        check_missing("");
        check_missing("m5");
        check_missing("M5.large");
        check_missing("t3.4xlarge");
        check_missing("m5.large ");
    }

    #[test]
    fn catalog_is_sorted_unique_and_complete() {
        let types = all_instance_types();
        for pair in types.windows(2) {
            assert!(pair[0].name < pair[1].name, "{} before {}", pair[0].name, pair[1].name);
        }
        for family in ["c5", "c6i", "c7g", "m5", "m6i", "m7g", "r5", "r6i", "t3"] {
            for size in ["large", "xlarge", "2xlarge"] {
                let name = format!("{family}.{size}");
                assert!(instance_type(&name).is_some(), "{name} missing");
            }
        }
        for each in types {
            assert_eq!(instance_type(each.name), Some(each));
        }
    }

    #[test]
    fn figures_scale_consistently_within_each_family() {
        // Guards against typos: in these fixed-performance families price, memory and vCPUs all
        // scale linearly from the large size, and graviton families are the ones named with "g".
        for each in all_instance_types() {
            let (family, _) = each.name.split_once('.').expect("name has a family prefix");
            let expected_arch = if family.ends_with('g') { "arm64" } else { "x86_64" };
            assert_eq!(each.architecture.as_str(), expected_arch, "{}", each.name);
            assert!(each.max_enis >= 3, "{}", each.name);
            if family == "t3" {
                continue;
            }
            let large = instance_type(&format!("{family}.large")).expect("family has a large");
            let factor = each.vcpus / large.vcpus;
            assert_eq!(each.vcpus, large.vcpus * factor, "{}", each.name);
            assert_eq!(each.memory_mib, large.memory_mib * u64::from(factor), "{}", each.name);
            let expected_price = large.on_demand_usd_per_hour * f64::from(factor);
            assert!(
                (each.on_demand_usd_per_hour - expected_price).abs() < 1e-9,
                "{}: {} vs {expected_price}",
                each.name,
                each.on_demand_usd_per_hour
            );
        }
    }

    #[track_caller]
    fn check_suggestion(typed: &str, expected: Option<&str>) {
        assert_eq!(closest_instance_type_name(typed), expected, "{typed}");
    }

    #[test]
    fn suggestions_pick_the_nearest_name() {
        check_suggestion("m5.large", Some("m5.large"));
        check_suggestion("m5.larg", Some("m5.large"));
        check_suggestion("m5.lrage", Some("m5.large"));
        check_suggestion("M5.large", Some("m5.large"));
        check_suggestion("M5.LARGE", Some("m5.large"));
        // A tie at distance 1 (c5, m5 and r5) goes to the name that sorts first.
        check_suggestion("x5.large", Some("c5.large"));
        check_suggestion("t3.medum", Some("t3.medium"));
        check_suggestion("c7g.xlarg", Some("c7g.xlarge"));
        check_suggestion("m6i.8xl", None);
        check_suggestion("t3.4xlarge", Some("t3.2xlarge"));
        check_suggestion("banana", None);
        check_suggestion("", None);
    }

    #[track_caller]
    fn check_distance(a: &str, b: &str, expected: usize) {
        assert_eq!(levenshtein_distance(a, b), expected, "{a:?} -> {b:?}");
        assert_eq!(levenshtein_distance(b, a), expected, "{b:?} -> {a:?}");
    }

    #[test]
    fn levenshtein_distance_counts_single_character_edits() {
        check_distance("", "", 0);
        check_distance("", "abc", 3);
        check_distance("kitten", "sitting", 3);
        check_distance("m5.large", "m5.large", 0);
        check_distance("m5.large", "m5.xlarge", 1);
        check_distance("m5.large", "m6i.large", 2);
        check_distance("flaw", "lawn", 2);
        check_distance("é", "e", 1);
    }

    #[test]
    fn architecture_attribute_values() {
        assert_eq!(CpuArchitecture::X86_64.as_str(), "x86_64");
        assert_eq!(CpuArchitecture::Arm64.as_str(), "arm64");
    }
}
