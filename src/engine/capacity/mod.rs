//! Cluster capacity: EC2 instances (launch, registration, termination), which instances an Auto
//! Scaling group terminates on scale-in, faults and Spot interruptions.

pub(super) mod asg_scale_in;
pub(super) mod faults;
pub(super) mod instances;
pub(super) mod spot;
