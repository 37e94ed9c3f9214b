// The hooks arrive with the route-and-hooks issue; this package is scaffolded so the workspace
// layout, build and lint are in place.
export {};
