//! Which files are route files, by name: the one rule `dynroute validate` applies when it
//! walks a folder and `dynroute plan` applies to the folder it plans.

/// Whether a file named `name` (the last component of its path) holds a route: it ends in
/// `.json`, is not a route test file (`*.test.json`) and is not hidden (`.dynroute.json`,
/// other dotfiles).
pub fn is_route_file_name(name: &str) -> bool {
    name.ends_with(".json") && !name.ends_with(".test.json") && !name.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_files_but_tests_and_dotfiles() {
        assert!(is_route_file_name("support.json"));
        assert!(is_route_file_name("a.b.json"));
        assert!(!is_route_file_name("support.test.json"));
        assert!(!is_route_file_name(".dynroute.json"));
        assert!(!is_route_file_name("support.yaml"));
        assert!(!is_route_file_name("support.json.bak"));
        assert!(!is_route_file_name("support.test.yaml"));
    }
}
