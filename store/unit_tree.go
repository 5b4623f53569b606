package store

import "context"

// TreeUnit is a unit with its depth under the root it was read from (0 the root itself).
type TreeUnit struct {
	Unit
	Depth int
}

// UnitTree lists the units of root's subtree ("" every unit) depth-first by name, so that a
// list indented by depth reads as the tree: what HR chooses a launch's scope from.
func (s *Store) UnitTree(ctx context.Context, root string) ([]TreeUnit, error) {
	rows, err := s.Pool.Query(ctx, `WITH RECURSIVE t(id, name, parent_id, depth, path) AS (
			SELECT id, name, coalesce(parent_id, ''), 0, ARRAY[name || '/' || id]
			FROM org_units WHERE CASE WHEN $1 = '' THEN parent_id IS NULL ELSE id = $1 END
			UNION ALL
			SELECT u.id, u.name, u.parent_id, t.depth + 1, t.path || (u.name || '/' || u.id)
			FROM org_units u JOIN t ON u.parent_id = t.id WHERE t.depth < 64)
		SELECT id, name, parent_id, depth FROM t ORDER BY path`, root)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TreeUnit
	for rows.Next() {
		var u TreeUnit
		if err := rows.Scan(&u.ID, &u.Name, &u.ParentID, &u.Depth); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
