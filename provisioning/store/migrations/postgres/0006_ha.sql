-- 0006, PostgreSQL dialect: DHCP failover between nodes sharing this
-- database (provisioning/store/ha.go).
--
-- ha_leader has exactly one row: the node answering DHCP, until when (the
-- database's clock decides, never a node's), and the fencing token, which
-- grows by one at each change of leader. A lease write checks the token in
-- its own transaction, so a deposed leader cannot record (and so cannot
-- acknowledge) a lease.
CREATE TABLE ha_leader (
    id      integer     PRIMARY KEY CHECK (id = 1),
    node    text        NOT NULL,
    token   bigint      NOT NULL,
    expires timestamptz NOT NULL
);
INSERT INTO ha_leader (id, node, token, expires) VALUES (1, '', 0, '-infinity');

-- ha_nodes: each node's last heartbeat and the role it reported then.
CREATE TABLE ha_nodes (
    node      text        PRIMARY KEY,
    role      text        NOT NULL,
    heartbeat timestamptz NOT NULL
);
