-- Joins this device has begun and no member has confirmed yet (sync/joining.py): the
-- invite it presents to members until one of them holds its `member.join` op. Written
-- in the transaction that first stores the space's keys, so a join interrupted at any
-- point leaves a row that says so.
CREATE TABLE joining (
    space BLOB PRIMARY KEY,
    token BLOB NOT NULL,
    token_sig BLOB NOT NULL
);
