//! The emulator's state: routes, their versions and deployments, in SQLite (in memory, or in
//! a file that survives restarts). Every write is one transaction, committed with
//! `synchronous = FULL` in WAL mode before the caller answers, so an acknowledged write
//! survives the process being killed.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Value, json};

/// What a route lives under: an account and a gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The account id of the path.
    pub account: String,
    /// The gateway id of the path.
    pub gateway: String,
}

/// A saved version of a route's graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// Its id.
    pub id: String,
    /// The elements array as JSON text.
    pub data: String,
    /// Whether the validator found no error in it.
    pub is_valid: bool,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Whether it is the deployed one.
    pub active: bool,
}

/// A deployment: the moment a version became live.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    /// Its id.
    pub id: String,
    /// The version it deployed.
    pub version_id: String,
    /// When (RFC 3339).
    pub created_at: String,
}

/// A route with its deployed version and the deployment that made it live.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Its id.
    pub id: String,
    /// Its account and gateway.
    pub scope: Scope,
    /// Its name (`dynamic/<name>` calls it).
    pub name: String,
    /// When it was created.
    pub created_at: String,
    /// When its name, versions or deployments last changed.
    pub modified_at: String,
    /// The deployed version.
    pub version: Version,
    /// The latest deployment.
    pub deployment: Deployment,
}

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// The field.
    pub by: OrderBy,
    /// Ascending when true.
    pub ascending: bool,
}

/// Fields a listing can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    /// Creation time (then creation order).
    CreatedAt,
    /// Modification time (routes only).
    ModifiedAt,
    /// Name (routes only).
    Name,
}

impl OrderBy {
    /// Reads `created_at`, `modified_at` or `name`.
    pub fn parse(text: &str) -> Option<OrderBy> {
        match text {
            "created_at" => Some(OrderBy::CreatedAt),
            "modified_at" => Some(OrderBy::ModifiedAt),
            "name" => Some(OrderBy::Name),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderBy::CreatedAt => "created_at",
            OrderBy::ModifiedAt => "modified_at",
            OrderBy::Name => "name",
        }
    }
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No route with that id in the scope.
    #[error("no route `{0}` in this gateway")]
    NoRoute(String),
    /// No version with that id in the route.
    #[error("no version `{0}` in this route")]
    NoVersion(String),
    /// Another route of the gateway has the name.
    #[error("a route named `{0}` already exists in this gateway")]
    NameTaken(String),
    /// The database failed.
    #[error("the database failed: {0}")]
    Database(#[from] rusqlite::Error),
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS routes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL,
  gateway TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  modified_at TEXT NOT NULL,
  UNIQUE (account, gateway, name)
);
CREATE TABLE IF NOT EXISTS versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  route_seq INTEGER NOT NULL REFERENCES routes(seq) ON DELETE CASCADE,
  data TEXT NOT NULL,
  is_valid INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deployments (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  route_seq INTEGER NOT NULL REFERENCES routes(seq) ON DELETE CASCADE,
  version_seq INTEGER NOT NULL REFERENCES versions(seq) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_by_route ON versions (route_seq);
CREATE INDEX IF NOT EXISTS deployments_by_route ON deployments (route_seq);
";

/// The state, behind one connection.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

/// A new id: 32 lowercase hex digits, as Cloudflare's resource ids are written.
pub fn new_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// The current time in RFC 3339 with milliseconds (`2026-05-04T09:31:10.000Z`).
pub fn now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

impl Store {
    /// Opens the database file (created when missing), or an in-memory database.
    pub fn open(path: Option<&Path>) -> Result<Store, StoreError> {
        let conn = match path {
            Some(path) => {
                let conn = Connection::open(path)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// Runs `f` in one transaction, committed when it succeeds.
    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Creates a route with its first version, deployed.
    pub fn create_route(
        &self,
        scope: &Scope,
        name: &str,
        elements: &Value,
        is_valid: bool,
    ) -> Result<Route, StoreError> {
        self.write(|tx| {
            if name_taken(tx, scope, name, None)? {
                return Err(StoreError::NameTaken(name.to_string()));
            }
            let id = new_id();
            let at = now();
            tx.execute(
                "INSERT INTO routes (id, account, gateway, name, created_at, modified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![id, scope.account, scope.gateway, name, at],
            )?;
            let route_seq = tx.last_insert_rowid();
            let version_seq = insert_version(tx, route_seq, elements, is_valid, &at)?;
            insert_deployment(tx, route_seq, version_seq, &at)?;
            load_route(tx, scope, &id)?.ok_or(StoreError::NoRoute(id))
        })
    }

    /// One page of the scope's routes (pages start at 1).
    pub fn routes(
        &self,
        scope: &Scope,
        page: u64,
        per_page: u64,
        order: Order,
    ) -> Result<Vec<Route>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let column = match order.by {
            OrderBy::CreatedAt => "created_at",
            OrderBy::ModifiedAt => "modified_at",
            OrderBy::Name => "name",
        };
        let direction = if order.ascending { "ASC" } else { "DESC" };
        let sql = format!(
            "SELECT id FROM routes WHERE account = ?1 AND gateway = ?2 ORDER BY {column} {direction}, seq {direction} LIMIT ?3 OFFSET ?4"
        );
        let offset = page.saturating_sub(1).saturating_mul(per_page);
        let ids: Vec<String> = conn
            .prepare(&sql)?
            .query_map(
                params![
                    scope.account,
                    scope.gateway,
                    i64::try_from(per_page).unwrap_or(i64::MAX),
                    i64::try_from(offset).unwrap_or(i64::MAX)
                ],
                |row| row.get(0),
            )?
            .collect::<Result<_, _>>()?;
        let mut routes = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(route) = load_route(&conn, scope, &id)? {
                routes.push(route);
            }
        }
        Ok(routes)
    }

    /// A route.
    pub fn route(&self, scope: &Scope, id: &str) -> Result<Route, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        load_route(&conn, scope, id)?.ok_or_else(|| StoreError::NoRoute(id.to_string()))
    }

    /// The deployed route of the scope called `name`.
    pub fn route_named(&self, scope: &Scope, name: &str) -> Result<Option<Route>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let id: Option<String> = conn
            .query_row(
                "SELECT id FROM routes WHERE account = ?1 AND gateway = ?2 AND name = ?3",
                params![scope.account, scope.gateway, name],
                |row| row.get(0),
            )
            .optional()?;
        match id {
            Some(id) => load_route(&conn, scope, &id),
            None => Ok(None),
        }
    }

    /// Renames a route.
    pub fn rename(&self, scope: &Scope, id: &str, name: &str) -> Result<Route, StoreError> {
        self.write(|tx| {
            let seq = route_seq(tx, scope, id)?;
            if name_taken(tx, scope, name, Some(seq))? {
                return Err(StoreError::NameTaken(name.to_string()));
            }
            tx.execute(
                "UPDATE routes SET name = ?1, modified_at = ?2 WHERE seq = ?3",
                params![name, now(), seq],
            )?;
            load_route(tx, scope, id)?.ok_or_else(|| StoreError::NoRoute(id.to_string()))
        })
    }

    /// Deletes a route with its versions and deployments; returns it as it was.
    pub fn delete(&self, scope: &Scope, id: &str) -> Result<Route, StoreError> {
        self.write(|tx| {
            let route =
                load_route(tx, scope, id)?.ok_or_else(|| StoreError::NoRoute(id.to_string()))?;
            tx.execute("DELETE FROM routes WHERE id = ?1", params![id])?;
            Ok(route)
        })
    }

    /// Saves a new version (not deployed); returns the route and the version.
    pub fn create_version(
        &self,
        scope: &Scope,
        id: &str,
        elements: &Value,
        is_valid: bool,
    ) -> Result<(Route, Version), StoreError> {
        self.write(|tx| {
            let seq = route_seq(tx, scope, id)?;
            let at = now();
            let version_seq = insert_version(tx, seq, elements, is_valid, &at)?;
            tx.execute(
                "UPDATE routes SET modified_at = ?1 WHERE seq = ?2",
                params![at, seq],
            )?;
            let route =
                load_route(tx, scope, id)?.ok_or_else(|| StoreError::NoRoute(id.to_string()))?;
            let version = load_version(tx, version_seq, route.version.id.as_str())?;
            Ok((route, version))
        })
    }

    /// The versions of a route.
    pub fn versions(
        &self,
        scope: &Scope,
        id: &str,
        ascending: bool,
    ) -> Result<Vec<Version>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let route =
            load_route(&conn, scope, id)?.ok_or_else(|| StoreError::NoRoute(id.to_string()))?;
        let seq = route_seq(&conn, scope, id)?;
        let direction = if ascending { "ASC" } else { "DESC" };
        let seqs: Vec<i64> = conn
            .prepare(&format!(
                "SELECT seq FROM versions WHERE route_seq = ?1 ORDER BY seq {direction}"
            ))?
            .query_map(params![seq], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        seqs.into_iter()
            .map(|s| load_version(&conn, s, &route.version.id))
            .collect()
    }

    /// One version of a route, with the route.
    pub fn version(
        &self,
        scope: &Scope,
        id: &str,
        version_id: &str,
    ) -> Result<(Route, Version), StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let route =
            load_route(&conn, scope, id)?.ok_or_else(|| StoreError::NoRoute(id.to_string()))?;
        let seq = route_seq(&conn, scope, id)?;
        let version_seq = version_seq(&conn, seq, version_id)?;
        let version = load_version(&conn, version_seq, &route.version.id)?;
        Ok((route, version))
    }

    /// Deploys a version of a route; returns the route as it now is.
    pub fn deploy(&self, scope: &Scope, id: &str, version_id: &str) -> Result<Route, StoreError> {
        self.write(|tx| {
            let seq = route_seq(tx, scope, id)?;
            let version_seq = version_seq(tx, seq, version_id)?;
            let at = now();
            insert_deployment(tx, seq, version_seq, &at)?;
            tx.execute(
                "UPDATE routes SET modified_at = ?1 WHERE seq = ?2",
                params![at, seq],
            )?;
            load_route(tx, scope, id)?.ok_or_else(|| StoreError::NoRoute(id.to_string()))
        })
    }

    /// The deployments of a route.
    pub fn deployments(
        &self,
        scope: &Scope,
        id: &str,
        ascending: bool,
    ) -> Result<Vec<Deployment>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let seq = route_seq(&conn, scope, id)?;
        let direction = if ascending { "ASC" } else { "DESC" };
        let out = conn
            .prepare(&format!(
                "SELECT d.id, v.id, d.created_at FROM deployments d JOIN versions v ON v.seq = d.version_seq WHERE d.route_seq = ?1 ORDER BY d.seq {direction}"
            ))?
            .query_map(params![seq], |row| {
                Ok(Deployment {
                    id: row.get(0)?,
                    version_id: row.get(1)?,
                    created_at: row.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(out)
    }

    /// Forgets everything.
    pub fn reset(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute_batch("DELETE FROM deployments; DELETE FROM versions; DELETE FROM routes;")?;
            Ok(())
        })
    }

    /// Everything, for the control endpoint: each route with every version and deployment.
    pub fn dump(&self) -> Result<Value, StoreError> {
        let scopes: Vec<(Scope, String)> = {
            let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
            conn.prepare("SELECT account, gateway, id FROM routes ORDER BY seq")?
                .query_map([], |row| {
                    Ok((
                        Scope {
                            account: row.get(0)?,
                            gateway: row.get(1)?,
                        },
                        row.get(2)?,
                    ))
                })?
                .collect::<Result<_, _>>()?
        };
        let mut routes = Vec::with_capacity(scopes.len());
        for (scope, id) in scopes {
            let route = self.route(&scope, &id)?;
            let versions = self.versions(&scope, &id, true)?;
            let deployments = self.deployments(&scope, &id, true)?;
            routes.push(json!({
                "account_id": scope.account,
                "gateway_id": scope.gateway,
                "id": route.id,
                "name": route.name,
                "created_at": route.created_at,
                "modified_at": route.modified_at,
                "deployed_version_id": route.version.id,
                "versions": versions.iter().map(|v| json!({
                    "version_id": v.id,
                    "elements": serde_json::from_str::<Value>(&v.data).unwrap_or(Value::Null),
                    "is_valid": v.is_valid,
                    "active": v.active,
                    "created_at": v.created_at,
                })).collect::<Vec<_>>(),
                "deployments": deployments.iter().map(|d| json!({
                    "deployment_id": d.id,
                    "version_id": d.version_id,
                    "created_at": d.created_at,
                })).collect::<Vec<_>>(),
            }));
        }
        Ok(json!({ "routes": routes }))
    }
}

fn name_taken(
    conn: &Connection,
    scope: &Scope,
    name: &str,
    except: Option<i64>,
) -> Result<bool, StoreError> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT seq FROM routes WHERE account = ?1 AND gateway = ?2 AND name = ?3",
            params![scope.account, scope.gateway, name],
            |row| row.get(0),
        )
        .optional()?;
    Ok(found.is_some_and(|seq| Some(seq) != except))
}

fn route_seq(conn: &Connection, scope: &Scope, id: &str) -> Result<i64, StoreError> {
    conn.query_row(
        "SELECT seq FROM routes WHERE id = ?1 AND account = ?2 AND gateway = ?3",
        params![id, scope.account, scope.gateway],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::NoRoute(id.to_string()))
}

fn version_seq(conn: &Connection, route_seq: i64, version_id: &str) -> Result<i64, StoreError> {
    conn.query_row(
        "SELECT seq FROM versions WHERE id = ?1 AND route_seq = ?2",
        params![version_id, route_seq],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::NoVersion(version_id.to_string()))
}

fn insert_version(
    conn: &Connection,
    route_seq: i64,
    elements: &Value,
    is_valid: bool,
    at: &str,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO versions (id, route_seq, data, is_valid, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new_id(), route_seq, elements.to_string(), is_valid, at],
    )?;
    Ok(conn.last_insert_rowid())
}

fn insert_deployment(
    conn: &Connection,
    route_seq: i64,
    version_seq: i64,
    at: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO deployments (id, route_seq, version_seq, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![new_id(), route_seq, version_seq, at],
    )?;
    Ok(())
}

fn load_version(conn: &Connection, seq: i64, deployed: &str) -> Result<Version, StoreError> {
    Ok(conn.query_row(
        "SELECT id, data, is_valid, created_at FROM versions WHERE seq = ?1",
        params![seq],
        |row| {
            let id: String = row.get(0)?;
            Ok(Version {
                active: id == deployed,
                id,
                data: row.get(1)?,
                is_valid: row.get(2)?,
                created_at: row.get(3)?,
            })
        },
    )?)
}

fn load_route(conn: &Connection, scope: &Scope, id: &str) -> Result<Option<Route>, StoreError> {
    let row = conn
        .query_row(
            "SELECT r.seq, r.name, r.created_at, r.modified_at FROM routes r WHERE r.id = ?1 AND r.account = ?2 AND r.gateway = ?3",
            params![id, scope.account, scope.gateway],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((seq, name, created_at, modified_at)) = row else {
        return Ok(None);
    };
    let (deployment, version_seq) = conn.query_row(
        "SELECT d.id, v.id, d.created_at, v.seq FROM deployments d JOIN versions v ON v.seq = d.version_seq WHERE d.route_seq = ?1 ORDER BY d.seq DESC LIMIT 1",
        params![seq],
        |row| {
            Ok((
                Deployment {
                    id: row.get(0)?,
                    version_id: row.get(1)?,
                    created_at: row.get(2)?,
                },
                row.get::<_, i64>(3)?,
            ))
        },
    )?;
    let version = load_version(conn, version_seq, &deployment.version_id)?;
    Ok(Some(Route {
        id: id.to_string(),
        scope: scope.clone(),
        name,
        created_at,
        modified_at,
        version,
        deployment,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            account: "a".into(),
            gateway: "g".into(),
        }
    }

    fn order() -> Order {
        Order {
            by: OrderBy::CreatedAt,
            ascending: true,
        }
    }

    #[test]
    fn a_new_version_is_live_only_once_deployed() {
        let store = Store::open(None).expect("opens");
        let route = store
            .create_route(&scope(), "r", &json!([1]), true)
            .expect("creates");
        assert!(route.version.active);
        let (after, version) = store
            .create_version(&scope(), &route.id, &json!([2]), false)
            .expect("versions");
        assert_eq!(after.version.id, route.version.id, "still the first");
        assert!(!version.active);
        assert!(!version.is_valid);
        let deployed = store
            .deploy(&scope(), &route.id, &version.id)
            .expect("deploys");
        assert_eq!(deployed.version.id, version.id);
        assert_eq!(deployed.version.data, "[2]");
        assert_eq!(
            store.deployments(&scope(), &route.id, true).unwrap().len(),
            2
        );
        let versions = store.versions(&scope(), &route.id, false).unwrap();
        assert_eq!(
            versions.iter().map(|v| v.active).collect::<Vec<_>>(),
            [true, false]
        );
    }

    #[test]
    fn routes_are_scoped_named_uniquely_and_paged() {
        let store = Store::open(None).expect("opens");
        for name in ["c", "a", "b"] {
            store
                .create_route(&scope(), name, &json!([]), true)
                .unwrap();
        }
        assert!(matches!(
            store.create_route(&scope(), "a", &json!([]), true),
            Err(StoreError::NameTaken(_))
        ));
        let other = Scope {
            account: "a".into(),
            gateway: "other".into(),
        };
        store.create_route(&other, "a", &json!([]), true).unwrap();
        let by_name = Order {
            by: OrderBy::Name,
            ascending: true,
        };
        let names = |page, per_page| {
            store
                .routes(&scope(), page, per_page, by_name)
                .unwrap()
                .into_iter()
                .map(|r| r.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(1, 20), ["a", "b", "c"]);
        assert_eq!(names(2, 2), ["c"]);
        assert_eq!(names(3, 2), Vec::<String>::new());
        let first = store.routes(&scope(), 1, 1, order()).unwrap();
        assert_eq!(first[0].name, "c", "creation order");
        assert!(matches!(
            store.route(&other, &first[0].id),
            Err(StoreError::NoRoute(_))
        ));
    }

    #[test]
    fn deleting_a_route_removes_its_history() {
        let store = Store::open(None).expect("opens");
        let route = store.create_route(&scope(), "r", &json!([]), true).unwrap();
        store
            .create_version(&scope(), &route.id, &json!([]), true)
            .unwrap();
        store.delete(&scope(), &route.id).unwrap();
        assert!(matches!(
            store.versions(&scope(), &route.id, true),
            Err(StoreError::NoRoute(_))
        ));
        let conn = store.conn.lock().unwrap();
        let left: i64 = conn
            .query_row("SELECT COUNT(*) FROM versions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn ids_look_like_cloudflare_ids() {
        let id = new_id();
        assert_eq!(id.len(), 32);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(new_id(), id);
        assert!(now().ends_with('Z'));
    }
}
