//! Models and client for Cloudflare AI Gateway Dynamic Routing.
