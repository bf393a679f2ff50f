use dynroute_client::models::{PercentageElement, StartOutputs, Target};

fn main() {
    let _ = PercentageElement {
        id: "split".into(),
        outputs: StartOutputs { next: Target { element_id: "end".into() } },
    };
}
