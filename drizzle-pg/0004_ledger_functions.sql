-- The ledger's writes as PL/pgSQL, one function per operation (pg/writes.ts calls each in one round trip),
-- mirroring src/lib/server/ledger/*.ts step for step. Times are ms since the epoch passed in as p_now: no
-- function reads the server's clock. Every operation locks the user's account row first, then looks the
-- idempotency key up, then writes; spends draw lots directly (accounts.current_lot_id stays null).

-- transfer-codes.ts transferRules and ruleOf (writes.spec.ts compares the two). The helpers that run a query
-- are PL/pgSQL, whose plans are kept per session: a SQL function's are made again on every call.
CREATE FUNCTION ledger_rule(p_code text, p_hold_id bigint,
	OUT system_kind text, OUT user_side text, OUT pending text, OUT lots text)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	SELECT r.system_kind, r.user_side, r.pending, r.lots INTO system_kind, user_side, pending, lots FROM (VALUES
		('purchase', 'issued_purchase', 'credit', 'none', 'open'),
		('grant', 'issued_grant', 'credit', 'none', 'open'),
		('reinstate', 'clawed_back', 'credit', 'none', 'open'),
		('spend', 'spent', 'debit', 'none', 'draw'),
		('hold', 'spent', 'debit', 'reserve', 'draw'),
		('capture', 'spent', 'debit', 'post', 'draw'),
		('release', 'spent', 'debit', 'void', 'none'),
		('expire', 'expired', 'debit', 'none', 'draw'),
		('expire:hold', 'spent', 'debit', 'void', 'none'),
		('refund', 'clawed_back', 'debit', 'none', 'drawUpTo'),
		('dispute', 'clawed_back', 'debit', 'none', 'drawUpTo'),
		('adjust', 'adjusted', 'debit', 'none', 'drawUpTo')
	) AS r(code, system_kind, user_side, pending, lots)
	WHERE r.code = CASE WHEN p_code = 'expire' AND p_hold_id IS NOT NULL THEN 'expire:hold' ELSE p_code END;
END $$;--> statement-breakpoint

-- transfer-codes.ts effectOf: what a transfer adds to the posted and pending counters of both sides.
CREATE FUNCTION ledger_effect(p_code text, p_hold_id bigint, p_amount bigint,
	OUT system_kind text, OUT to_user boolean, OUT posted bigint, OUT pending bigint)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v_rule record;
BEGIN
	v_rule := ledger_rule(p_code, p_hold_id);
	system_kind := v_rule.system_kind;
	to_user := v_rule.user_side = 'credit';
	posted := CASE WHEN v_rule.pending IN ('reserve', 'void') THEN 0 ELSE p_amount END;
	pending := CASE v_rule.pending WHEN 'none' THEN 0 WHEN 'reserve' THEN p_amount ELSE -p_amount END;
END $$;--> statement-breakpoint

-- context.ts spendOrder as one sortable key: soonest expiry first, never-expiring last, then the category
-- rank of schema.ts lotCategoryRank (free before paid; a number, so no collation is involved), then oldest.
CREATE FUNCTION ledger_spend_order(p_lot lots) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY[(p_lot.expires_at IS NULL)::int, coalesce(p_lot.expires_at, 0),
		CASE p_lot.category WHEN 'free' THEN 0 WHEN 'paid' THEN 1 END, p_lot.id]
$$;--> statement-breakpoint

CREATE FUNCTION ledger_fail(p_code text, p_message text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('ok', false, 'error', jsonb_build_object('code', p_code, 'message', p_message))
$$;--> statement-breakpoint

-- results.ts postedOf / replayOf: an operation's result is its own transfer's balance and available after it.
CREATE FUNCTION ledger_posted(p_transfer transfers, p_replayed boolean) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN jsonb_build_object('ok', true, 'transferId', p_transfer.id, 'balance', p_transfer.balance_after,
		'available', p_transfer.available_after, 'replayed', p_replayed);
END $$;--> statement-breakpoint

-- The transfer a key already produced (all nulls when the key is new).
CREATE FUNCTION ledger_prior(p_key text) RETURNS transfers
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_prior transfers;
BEGIN
	SELECT * INTO v_prior FROM transfers WHERE idempotency_key = p_key;
	RETURN v_prior;
END $$;--> statement-breakpoint

-- idempotency.ts replayOrConflict: the prior result with the operation's own fields, or a conflict.
CREATE FUNCTION ledger_replay(p_prior transfers, p_same boolean, p_extra jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN coalesce(p_same, false) THEN ledger_posted(p_prior, true) || p_extra
		ELSE ledger_fail('idempotency_conflict',
			format('idempotency key "%s" was already used with different parameters', p_prior.idempotency_key))
	END
$$;--> statement-breakpoint

-- accounts.ts openAccount (the caller found none to lock): a concurrent creator wins, its row is locked.
CREATE FUNCTION ledger_open_account(p_user text, p_now bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_account bigint;
BEGIN
	INSERT INTO accounts (kind, user_id, created_at) VALUES ('user', p_user, p_now)
		ON CONFLICT (user_id) DO NOTHING;
	SELECT id INTO v_account FROM accounts WHERE user_id = p_user FOR UPDATE;
	RETURN v_account;
END $$;--> statement-breakpoint

-- accounts.ts post: one transfer against the system account its code names, the user account's counters
-- and history head; the system account catches up in ledger_roll_up (through rollup_queue). Returns the row.
CREATE FUNCTION ledger_post(p_account bigint, p_code text, p_amount bigint, p_now bigint, p_key text,
	p_actor text, p_hold_id bigint DEFAULT NULL, p_lot_id bigint DEFAULT NULL, p_hash text DEFAULT NULL,
	p_reference text DEFAULT NULL, p_reason text DEFAULT NULL) RETURNS transfers
LANGUAGE plpgsql AS $$
DECLARE
	v_effect record;
	v_id bigint := nextval('transfers_id_seq');
	v_balance bigint;
	v_available bigint;
	v_prev bigint;
	v_transfer transfers;
BEGIN
	v_effect := ledger_effect(p_code, p_hold_id, p_amount);
	UPDATE accounts SET
		credits_posted = accounts.credits_posted + CASE WHEN v_effect.to_user THEN v_effect.posted ELSE 0 END,
		debits_posted = accounts.debits_posted + CASE WHEN v_effect.to_user THEN 0 ELSE v_effect.posted END,
		credits_pending = accounts.credits_pending + CASE WHEN v_effect.to_user THEN v_effect.pending ELSE 0 END,
		debits_pending = accounts.debits_pending + CASE WHEN v_effect.to_user THEN 0 ELSE v_effect.pending END,
		last_transfer_id = v_id
	FROM accounts AS before WHERE accounts.id = p_account AND before.id = p_account
	RETURNING accounts.credits_posted - accounts.debits_posted,
		accounts.credits_posted - accounts.debits_posted - accounts.debits_pending, before.last_transfer_id
	INTO v_balance, v_available, v_prev;
	INSERT INTO transfers (id, debit_account_id, credit_account_id, user_account_id, amount, code, hold_id,
		idempotency_key, request_hash, reference, reason, actor, balance_after, available_after, prev_id, lot_id,
		created_at)
	SELECT v_id, CASE WHEN v_effect.to_user THEN system.id ELSE p_account END,
		CASE WHEN v_effect.to_user THEN p_account ELSE system.id END, p_account, p_amount, p_code, p_hold_id,
		p_key, p_hash, p_reference, p_reason, p_actor, v_balance, v_available, v_prev, p_lot_id, p_now
	FROM accounts AS system WHERE system.user_id IS NULL AND system.kind = v_effect.system_kind
	RETURNING * INTO v_transfer;
	INSERT INTO rollup_queue (transfer_id) VALUES (v_id);
	RETURN v_transfer;
END $$;--> statement-breakpoint

CREATE FUNCTION ledger_lower_next_expiry(p_account bigint, p_at bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE accounts SET next_expiry_at = p_at
	WHERE id = p_account AND (next_expiry_at IS NULL OR next_expiry_at > p_at);
END $$;--> statement-breakpoint

CREATE FUNCTION ledger_refresh_next_expiry(p_account bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE accounts SET next_expiry_at = (SELECT min(at) FROM (
		SELECT min(expires_at) AS at FROM lots WHERE account_id = p_account AND remaining > held
		UNION ALL SELECT min(expires_at) FROM holds WHERE account_id = p_account AND status = 'pending'
	) AS due) WHERE id = p_account;
END $$;--> statement-breakpoint

-- lots.ts planDraw: up to p_amount unheld credits in spend order, from lot p_first first when it is open.
CREATE FUNCTION ledger_plan_draw(p_account bigint, p_amount bigint, p_first bigint DEFAULT NULL,
	OUT lot_ids bigint[], OUT amounts bigint[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
	SELECT coalesce(array_agg(id ORDER BY n), '{}'),
		coalesce(array_agg(least(unheld, p_amount - (upto - unheld)) ORDER BY n), '{}')
	INTO lot_ids, amounts
	FROM (
		SELECT id, remaining - held AS unheld, row_number() OVER w AS n, sum(remaining - held) OVER w AS upto
		FROM lots l WHERE account_id = p_account AND remaining > held
		WINDOW w AS (ORDER BY id IS NOT DISTINCT FROM p_first DESC, ledger_spend_order(l)
			ROWS UNBOUNDED PRECEDING)
	) AS open
	WHERE upto - unheld < p_amount;
END $$;--> statement-breakpoint

-- lots.ts planExactDraw: callers check available first, so a shortfall is a broken invariant.
CREATE FUNCTION ledger_plan_exact_draw(p_account bigint, p_amount bigint,
	OUT lot_ids bigint[], OUT amounts bigint[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
	SELECT * INTO lot_ids, amounts FROM ledger_plan_draw(p_account, p_amount);
	IF (SELECT coalesce(sum(a), 0) FROM unnest(amounts) AS a) <> p_amount THEN
		RAISE EXCEPTION 'ledger invariant broken: account % lots do not cover its available credits', p_account;
	END IF;
END $$;--> statement-breakpoint

CREATE FUNCTION ledger_consume_lots(p_transfer bigint, p_lot_ids bigint[], p_amounts bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE lots SET remaining = remaining - d.amount FROM unnest(p_lot_ids, p_amounts) AS d(lot_id, amount)
	WHERE lots.id = d.lot_id;
	INSERT INTO allocations (transfer_id, lot_id, amount)
	SELECT p_transfer, lot_id, amount FROM unnest(p_lot_ids, p_amounts) AS d(lot_id, amount);
END $$;--> statement-breakpoint

CREATE FUNCTION ledger_reserve_lots(p_transfer bigint, p_lot_ids bigint[], p_amounts bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE lots SET held = held + d.amount FROM unnest(p_lot_ids, p_amounts) AS d(lot_id, amount)
	WHERE lots.id = d.lot_id;
	INSERT INTO allocations (transfer_id, lot_id, amount)
	SELECT p_transfer, lot_id, amount FROM unnest(p_lot_ids, p_amounts) AS d(lot_id, amount);
END $$;--> statement-breakpoint

-- lots.ts repayDebt: keeps "unheld credits = max(0, available)"; credits that come back while the account
-- is in debt pay it first, in spend order. No transfer: the clawback already moved them.
CREATE FUNCTION ledger_repay_debt(p_account bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	v_excess bigint;
	v_plan record;
BEGIN
	SELECT (SELECT coalesce(sum(remaining - held), 0) FROM lots WHERE account_id = p_account AND remaining > held)
		- greatest(0, credits_posted - debits_posted - debits_pending)
	INTO v_excess FROM accounts WHERE id = p_account;
	IF v_excess < 0 THEN
		RAISE EXCEPTION 'ledger invariant broken: account % has fewer unheld credits than available', p_account;
	END IF;
	IF v_excess = 0 THEN
		RETURN;
	END IF;
	SELECT * INTO v_plan FROM ledger_plan_draw(p_account, v_excess);
	UPDATE lots SET remaining = remaining - d.amount, debt_paid = debt_paid + d.amount
	FROM unnest(v_plan.lot_ids, v_plan.amounts) AS d(lot_id, amount) WHERE lots.id = d.lot_id;
END $$;--> statement-breakpoint

-- lots.ts expireDueLots: the unheld credits of due lots; held credits wait for their hold to resolve.
CREATE FUNCTION ledger_expire_due_lots(p_account bigint, p_now bigint,
	OUT expired_lots int, OUT expired_credits bigint)
LANGUAGE plpgsql AS $$
DECLARE
	v_lot record;
	v_transfer transfers;
BEGIN
	expired_lots := 0;
	expired_credits := 0;
	FOR v_lot IN SELECT id, remaining, remaining - held AS unheld FROM lots
		WHERE account_id = p_account AND expires_at <= p_now AND remaining > held ORDER BY id
	LOOP
		-- remaining only decreases, so a lot that expires again (after a hold returned credits) gets a new key
		v_transfer := ledger_post(p_account, 'expire', v_lot.unheld, p_now,
			format('ledger:expire:lot:%s:%s', v_lot.id, v_lot.remaining), 'system', p_reason => 'credits expired');
		PERFORM ledger_consume_lots(v_transfer.id, ARRAY[v_lot.id], ARRAY[v_lot.unheld]);
		expired_lots := expired_lots + 1;
		expired_credits := expired_credits + v_lot.unheld;
	END LOOP;
END $$;--> statement-breakpoint

-- expire.ts expireLotsAndRepayDebt: after credits come back to lots.
CREATE FUNCTION ledger_expire_lots_and_repay_debt(p_account bigint, p_now bigint,
	OUT expired_lots int, OUT expired_credits bigint)
LANGUAGE plpgsql AS $$
BEGIN
	SELECT * INTO expired_lots, expired_credits FROM ledger_expire_due_lots(p_account, p_now);
	PERFORM ledger_repay_debt(p_account);
	PERFORM ledger_refresh_next_expiry(p_account);
END $$;--> statement-breakpoint

-- resolve-hold.ts resolveHold: posts the captured part (from the hold's reserved lots in spend order) and
-- voids the rest; the caller's transfer is written last, so its balance_after is what the caller sees.
CREATE FUNCTION ledger_resolve_hold(p_account bigint, p_hold bigint, p_status text, p_captured bigint,
	p_now bigint, p_key text, p_actor text, p_hash text DEFAULT NULL, p_reason text DEFAULT NULL)
RETURNS transfers
LANGUAGE plpgsql AS $$
DECLARE
	v_amount bigint;
	v_portion record;
	v_left bigint := p_captured;
	v_take bigint;
	v_taken_lots bigint[] := '{}';
	v_taken bigint[] := '{}';
	v_transfer transfers;
BEGIN
	SELECT amount INTO v_amount FROM holds WHERE id = p_hold;
	FOR v_portion IN SELECT a.lot_id, a.amount FROM allocations a JOIN lots l ON l.id = a.lot_id
		WHERE a.transfer_id = (SELECT id FROM transfers WHERE hold_id = p_hold AND code = 'hold')
		ORDER BY ledger_spend_order(l)
	LOOP
		v_take := least(v_left, v_portion.amount);
		UPDATE lots SET held = held - v_portion.amount, remaining = remaining - v_take WHERE id = v_portion.lot_id;
		IF v_take > 0 THEN
			v_taken_lots := v_taken_lots || v_portion.lot_id;
			v_taken := v_taken || v_take;
		END IF;
		v_left := v_left - v_take;
	END LOOP;
	IF p_status = 'captured' AND v_amount > p_captured THEN
		PERFORM ledger_post(p_account, 'release', v_amount - p_captured, p_now,
			format('ledger:release:hold:%s', p_hold), p_actor, p_hold_id => p_hold,
			p_reason => 'uncaptured remainder');
	END IF;
	v_transfer := ledger_post(p_account,
		CASE p_status WHEN 'captured' THEN 'capture' WHEN 'released' THEN 'release' ELSE 'expire' END,
		CASE WHEN p_status = 'captured' THEN p_captured ELSE v_amount END, p_now, p_key, p_actor,
		p_hold_id => p_hold, p_hash => p_hash, p_reason => p_reason);
	INSERT INTO allocations (transfer_id, lot_id, amount)
	SELECT v_transfer.id, lot_id, amount FROM unnest(v_taken_lots, v_taken) AS d(lot_id, amount);
	UPDATE holds SET status = p_status, captured_amount = p_captured, resolved_at = p_now WHERE id = p_hold;
	RETURN v_transfer;
END $$;--> statement-breakpoint

-- expire.ts expireAccount: voids the due holds, then expires the due lots (with what those holds returned).
CREATE FUNCTION ledger_expire_account(p_account bigint, p_now bigint,
	OUT expired_lots int, OUT expired_holds int, OUT expired_credits bigint)
LANGUAGE plpgsql AS $$
DECLARE
	v_hold record;
BEGIN
	expired_holds := 0;
	FOR v_hold IN SELECT id FROM holds
		WHERE account_id = p_account AND status = 'pending' AND expires_at <= p_now ORDER BY id
	LOOP
		PERFORM ledger_resolve_hold(p_account, v_hold.id, 'expired', 0, p_now,
			format('ledger:expire:hold:%s', v_hold.id), 'system', p_reason => 'hold expired');
		expired_holds := expired_holds + 1;
	END LOOP;
	SELECT * INTO expired_lots, expired_credits FROM ledger_expire_lots_and_repay_debt(p_account, p_now);
END $$;--> statement-breakpoint

-- expire.ts expireIfDue: run inside every operation on an account, before its balance is checked.
CREATE FUNCTION ledger_expire_if_due(p_account bigint, p_now bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT next_expiry_at <= p_now FROM accounts WHERE id = p_account) THEN
		PERFORM ledger_expire_account(p_account, p_now);
	END IF;
END $$;--> statement-breakpoint

-- spendable.ts findSpendable: null when the (locked, possibly missing) account may spend p_amount once its
-- due credits are expired, else the failure.
CREATE FUNCTION ledger_refuse_spend(p_account bigint, p_amount bigint, p_now bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_available bigint := 0;
BEGIN
	IF p_account IS NOT NULL THEN
		PERFORM ledger_expire_if_due(p_account, p_now);
		SELECT credits_posted - debits_posted - debits_pending INTO v_available FROM accounts WHERE id = p_account;
	END IF;
	IF v_available < 0 THEN
		RETURN ledger_fail('account_in_debt',
			format('the account owes %s credits; top up before spending', -v_available));
	END IF;
	IF p_account IS NULL OR v_available < p_amount THEN
		RETURN ledger_fail('insufficient_credits', format('%s credits requested, %s available', p_amount, v_available));
	END IF;
	RETURN NULL;
END $$;--> statement-breakpoint

-- deduct.ts deduct: takes what the lots have up to the amount (from p_first first); the rest is debt.
CREATE FUNCTION ledger_deduct(p_account bigint, p_code text, p_amount bigint, p_first bigint, p_now bigint,
	p_key text, p_hash text, p_reference text, p_reason text, p_actor text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_plan record;
	v_transfer transfers;
BEGIN
	SELECT * INTO v_plan FROM ledger_plan_draw(p_account, p_amount, p_first);
	v_transfer := ledger_post(p_account, p_code, p_amount, p_now, p_key, p_actor, p_hash => p_hash,
		p_reference => p_reference, p_reason => p_reason);
	PERFORM ledger_consume_lots(v_transfer.id, v_plan.lot_ids, v_plan.amounts);
	RETURN ledger_posted(v_transfer, false);
END $$;--> statement-breakpoint

-- Every operation below has the same frame: lock the account, look the key up, and only for a new key write,
-- in a block whose unique violation on the key (the same key committed meanwhile by a transaction that did
-- not wait for this account's lock: another user's, or one that created the account) becomes the replay
-- or conflict that key now gives.

-- grant.ts grant. p_refusal: what to answer instead when the key is new (an expiry not in the future).
CREATE FUNCTION ledger_grant(p_user text, p_amount bigint, p_category text, p_code text, p_expires_at bigint,
	p_reason text, p_reference text, p_actor text, p_key text, p_hash text, p_refusal jsonb, p_now bigint)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_account bigint;
	v_prior transfers;
	v_transfer transfers;
	v_lot bigint;
	v_result jsonb;
BEGIN
	SELECT id INTO v_account FROM accounts WHERE user_id = p_user FOR UPDATE;
	v_prior := ledger_prior(p_key);
	IF v_prior.id IS NULL THEN
		BEGIN
			IF p_refusal IS NOT NULL THEN
				RETURN p_refusal;
			END IF;
			v_account := coalesce(v_account, ledger_open_account(p_user, p_now));
			PERFORM ledger_expire_if_due(v_account, p_now);
			v_transfer := ledger_post(v_account, p_code, p_amount, p_now, p_key, p_actor, p_hash => p_hash,
				p_reference => p_reference, p_reason => p_reason);
			INSERT INTO lots (account_id, transfer_id, category, amount, remaining, expires_at, created_at)
			VALUES (v_account, v_transfer.id, p_category, p_amount, p_amount, p_expires_at, p_now)
			RETURNING id INTO v_lot;
			IF p_expires_at IS NOT NULL THEN
				PERFORM ledger_lower_next_expiry(v_account, p_expires_at);
			END IF;
			v_result := ledger_posted(v_transfer, false) || jsonb_build_object('lotId', v_lot);
			PERFORM ledger_repay_debt(v_account);
			RETURN v_result;
		EXCEPTION WHEN unique_violation THEN
			v_prior := ledger_prior(p_key);
			IF v_prior.id IS NULL THEN
				RAISE;
			END IF;
		END;
	END IF;
	RETURN ledger_replay(v_prior, v_prior.request_hash = p_hash,
		jsonb_build_object('lotId', (SELECT id FROM lots WHERE transfer_id = v_prior.id)));
END $$;--> statement-breakpoint

-- spend.ts spend: its transfer records all its parameters, so a retry is compared with them (no hash).
CREATE FUNCTION ledger_spend(p_user text, p_amount bigint, p_reason text, p_reference text, p_actor text,
	p_key text, p_now bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_account accounts;
	v_lot record;
	v_prior transfers;
	v_refused jsonb;
	v_plan record;
	v_transfer transfers;
BEGIN
	SELECT * INTO v_account FROM accounts WHERE user_id = p_user FOR UPDATE;
	SELECT * INTO v_prior FROM transfers WHERE idempotency_key = p_key;
	-- The common spend, written inline (each helper call and the subtransaction below cost more than the
	-- writes themselves): a new key, nothing due to expire, enough available, the first lot in spend order
	-- covers it. The key is looked up first all the same: an insert that meets it would use up an id.
	IF v_prior.id IS NULL
		AND v_account.credits_posted - v_account.debits_posted - v_account.debits_pending >= p_amount
		AND NOT coalesce(v_account.next_expiry_at <= p_now, false) THEN
		SELECT id, remaining - held AS unheld INTO v_lot FROM lots l
		WHERE account_id = v_account.id AND remaining > held ORDER BY ledger_spend_order(l) LIMIT 1;
		IF v_lot.unheld >= p_amount THEN
			INSERT INTO transfers (debit_account_id, credit_account_id, user_account_id, amount, code,
				idempotency_key, reference, reason, actor, balance_after, available_after, prev_id, lot_id, created_at)
			VALUES (v_account.id, (SELECT id FROM accounts WHERE user_id IS NULL AND kind = 'spent'), v_account.id,
				p_amount, 'spend', p_key, p_reference, p_reason, p_actor,
				v_account.credits_posted - v_account.debits_posted - p_amount,
				v_account.credits_posted - v_account.debits_posted - v_account.debits_pending - p_amount,
				v_account.last_transfer_id, v_lot.id, p_now)
			ON CONFLICT (idempotency_key) DO NOTHING
			RETURNING * INTO v_transfer;
			IF v_transfer.id IS NOT NULL THEN
				UPDATE lots SET remaining = remaining - p_amount WHERE id = v_lot.id;
				UPDATE accounts SET debits_posted = debits_posted + p_amount, last_transfer_id = v_transfer.id
				WHERE id = v_account.id;
				INSERT INTO rollup_queue (transfer_id) VALUES (v_transfer.id);
				RETURN ledger_posted(v_transfer, false);
			END IF;
			-- The key committed meanwhile in a session that did not wait for this account's lock.
			v_prior := ledger_prior(p_key);
		END IF;
	END IF;
	IF v_prior.id IS NULL THEN
		BEGIN
			v_refused := ledger_refuse_spend(v_account.id, p_amount, p_now);
			IF v_refused IS NOT NULL THEN
				RETURN v_refused;
			END IF;
			SELECT * INTO v_plan FROM ledger_plan_exact_draw(v_account.id, p_amount);
			-- A draw from one lot is recorded on the transfer (lot_id), as SQLite records it; others in allocations.
			IF cardinality(v_plan.lot_ids) = 1 THEN
				v_transfer := ledger_post(v_account.id, 'spend', p_amount, p_now, p_key, p_actor,
					p_lot_id => v_plan.lot_ids[1], p_reference => p_reference, p_reason => p_reason);
				UPDATE lots SET remaining = remaining - p_amount WHERE id = v_plan.lot_ids[1];
			ELSE
				v_transfer := ledger_post(v_account.id, 'spend', p_amount, p_now, p_key, p_actor,
					p_reference => p_reference, p_reason => p_reason);
				PERFORM ledger_consume_lots(v_transfer.id, v_plan.lot_ids, v_plan.amounts);
			END IF;
			RETURN ledger_posted(v_transfer, false);
		EXCEPTION WHEN unique_violation THEN
			v_prior := ledger_prior(p_key);
			IF v_prior.id IS NULL THEN
				RAISE;
			END IF;
		END;
	END IF;
	RETURN ledger_replay(v_prior, v_prior.code = 'spend'
		AND v_prior.user_account_id = (SELECT id FROM accounts WHERE user_id = p_user)
		AND v_prior.amount = p_amount AND v_prior.reason IS NOT DISTINCT FROM p_reason
		AND v_prior.reference IS NOT DISTINCT FROM p_reference AND v_prior.actor = p_actor);
END $$;--> statement-breakpoint

-- holds.ts hold. p_refusal as for a grant.
CREATE FUNCTION ledger_hold(p_user text, p_amount bigint, p_expires_at bigint, p_reason text,
	p_reference text, p_actor text, p_key text, p_hash text, p_refusal jsonb, p_now bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_account bigint;
	v_prior transfers;
	v_refused jsonb;
	v_hold bigint;
	v_plan record;
	v_transfer transfers;
BEGIN
	SELECT id INTO v_account FROM accounts WHERE user_id = p_user FOR UPDATE;
	v_prior := ledger_prior(p_key);
	IF v_prior.id IS NULL THEN
		BEGIN
			IF p_refusal IS NOT NULL THEN
				RETURN p_refusal;
			END IF;
			v_refused := ledger_refuse_spend(v_account, p_amount, p_now);
			IF v_refused IS NOT NULL THEN
				RETURN v_refused;
			END IF;
			INSERT INTO holds (account_id, amount, expires_at, created_at)
			VALUES (v_account, p_amount, p_expires_at, p_now) RETURNING id INTO v_hold;
			SELECT * INTO v_plan FROM ledger_plan_exact_draw(v_account, p_amount);
			v_transfer := ledger_post(v_account, 'hold', p_amount, p_now, p_key, p_actor, p_hold_id => v_hold,
				p_hash => p_hash, p_reference => p_reference, p_reason => p_reason);
			PERFORM ledger_reserve_lots(v_transfer.id, v_plan.lot_ids, v_plan.amounts);
			PERFORM ledger_lower_next_expiry(v_account, p_expires_at);
			RETURN ledger_posted(v_transfer, false) || jsonb_build_object('holdId', v_hold);
		EXCEPTION WHEN unique_violation THEN
			v_prior := ledger_prior(p_key);
			IF v_prior.id IS NULL THEN
				RAISE;
			END IF;
		END;
	END IF;
	RETURN ledger_replay(v_prior, v_prior.request_hash = p_hash, jsonb_build_object('holdId', v_prior.hold_id));
END $$;--> statement-breakpoint

-- holds.ts findPendingHold + resolvePendingHold, for capture and release: the hold must exist (and belong to
-- p_user when given) and still be pending once its account's due holds and lots are expired.
CREATE FUNCTION ledger_resolve_pending_hold(p_account bigint, p_hold bigint, p_user text, p_status text,
	p_amount bigint, p_now bigint, p_key text, p_hash text, p_reason text, p_actor text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_hold holds;
	v_captured bigint;
	v_transfer transfers;
BEGIN
	IF p_account IS NULL
		OR (p_user IS NOT NULL AND p_user IS DISTINCT FROM (SELECT user_id FROM accounts WHERE id = p_account)) THEN
		RETURN ledger_fail('hold_not_found', format('no hold %s', p_hold));
	END IF;
	PERFORM ledger_expire_if_due(p_account, p_now);
	SELECT * INTO v_hold FROM holds WHERE id = p_hold;
	IF v_hold.status <> 'pending' THEN
		RETURN ledger_fail('hold_not_pending', format('hold %s is already %s', p_hold, v_hold.status));
	END IF;
	v_captured := CASE WHEN p_status = 'captured' THEN coalesce(p_amount, v_hold.amount) ELSE 0 END;
	IF v_captured > v_hold.amount THEN
		RETURN ledger_fail('invalid_amount',
			format('cannot capture %s credits of a hold of %s', v_captured, v_hold.amount));
	END IF;
	v_transfer := ledger_resolve_hold(p_account, p_hold, p_status, v_captured, p_now, p_key, p_actor, p_hash,
		p_reason);
	PERFORM ledger_expire_lots_and_repay_debt(p_account, p_now);
	RETURN ledger_posted(v_transfer, false) || jsonb_build_object('holdId', p_hold,
		'captured', v_captured, 'released', v_hold.amount - v_captured);
END $$;--> statement-breakpoint

-- holds.ts capture (p_amount null: the whole hold).
CREATE FUNCTION ledger_capture(p_hold bigint, p_amount bigint, p_user text, p_reason text, p_actor text,
	p_key text, p_hash text, p_now bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_account bigint;
	v_prior transfers;
BEGIN
	SELECT a.id INTO v_account FROM holds h JOIN accounts a ON a.id = h.account_id WHERE h.id = p_hold
		FOR UPDATE OF a;
	v_prior := ledger_prior(p_key);
	IF v_prior.id IS NULL THEN
		BEGIN
			RETURN ledger_resolve_pending_hold(v_account, p_hold, p_user, 'captured', p_amount, p_now, p_key, p_hash,
				p_reason, p_actor);
		EXCEPTION WHEN unique_violation THEN
			v_prior := ledger_prior(p_key);
			IF v_prior.id IS NULL THEN
				RAISE;
			END IF;
		END;
	END IF;
	RETURN ledger_replay(v_prior, v_prior.request_hash = p_hash, jsonb_build_object('holdId', p_hold,
		'captured', v_prior.amount, 'released', (SELECT amount FROM holds WHERE id = p_hold) - v_prior.amount));
END $$;--> statement-breakpoint

-- holds.ts release.
CREATE FUNCTION ledger_release(p_hold bigint, p_user text, p_reason text, p_actor text, p_key text,
	p_hash text, p_now bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_account bigint;
	v_prior transfers;
BEGIN
	SELECT a.id INTO v_account FROM holds h JOIN accounts a ON a.id = h.account_id WHERE h.id = p_hold
		FOR UPDATE OF a;
	v_prior := ledger_prior(p_key);
	IF v_prior.id IS NULL THEN
		BEGIN
			RETURN ledger_resolve_pending_hold(v_account, p_hold, p_user, 'released', NULL, p_now, p_key, p_hash,
				p_reason, p_actor) - 'captured' - 'released';
		EXCEPTION WHEN unique_violation THEN
			v_prior := ledger_prior(p_key);
			IF v_prior.id IS NULL THEN
				RAISE;
			END IF;
		END;
	END IF;
	RETURN ledger_replay(v_prior, v_prior.request_hash = p_hash, jsonb_build_object('holdId', p_hold));
END $$;--> statement-breakpoint

-- deduct.ts clawback: from lot p_from_lot, or the lot the transfer with reference p_from_reference opened,
-- first; what the lots cannot cover becomes debt.
CREATE FUNCTION ledger_clawback(p_user text, p_amount bigint, p_code text, p_from_lot bigint,
	p_from_reference text, p_reason text, p_reference text, p_actor text, p_key text, p_hash text, p_now bigint)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_account bigint;
	v_prior transfers;
	v_first bigint;
BEGIN
	SELECT id INTO v_account FROM accounts WHERE user_id = p_user FOR UPDATE;
	v_prior := ledger_prior(p_key);
	IF v_prior.id IS NULL THEN
		BEGIN
			v_account := coalesce(v_account, ledger_open_account(p_user, p_now));
			PERFORM ledger_expire_if_due(v_account, p_now);
			IF p_from_lot IS NOT NULL AND NOT EXISTS (SELECT FROM lots WHERE id = p_from_lot AND account_id = v_account) THEN
				RETURN ledger_fail('invalid_request', format('lot %s does not belong to this user', p_from_lot));
			END IF;
			v_first := coalesce(p_from_lot, (SELECT lots.id FROM lots JOIN transfers ON transfers.id = lots.transfer_id
				WHERE lots.account_id = v_account AND transfers.reference = p_from_reference ORDER BY lots.id LIMIT 1));
			RETURN ledger_deduct(v_account, p_code, p_amount, v_first, p_now, p_key, p_hash, p_reference, p_reason,
				p_actor);
		EXCEPTION WHEN unique_violation THEN
			v_prior := ledger_prior(p_key);
			IF v_prior.id IS NULL THEN
				RAISE;
			END IF;
		END;
	END IF;
	RETURN ledger_replay(v_prior, v_prior.request_hash = p_hash);
END $$;--> statement-breakpoint

-- deduct.ts adjust: an admin deduction, never below zero unless forced.
CREATE FUNCTION ledger_adjust(p_user text, p_amount bigint, p_reason text, p_force boolean, p_reference text,
	p_actor text, p_key text, p_hash text, p_now bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_account bigint;
	v_prior transfers;
	v_refused jsonb;
BEGIN
	SELECT id INTO v_account FROM accounts WHERE user_id = p_user FOR UPDATE;
	v_prior := ledger_prior(p_key);
	IF v_prior.id IS NULL THEN
		BEGIN
			IF p_force THEN
				v_account := coalesce(v_account, ledger_open_account(p_user, p_now));
				PERFORM ledger_expire_if_due(v_account, p_now);
			ELSE
				v_refused := ledger_refuse_spend(v_account, p_amount, p_now);
				IF v_refused IS NOT NULL THEN
					RETURN v_refused;
				END IF;
			END IF;
			RETURN ledger_deduct(v_account, 'adjust', p_amount, NULL, p_now, p_key, p_hash, p_reference, p_reason,
				p_actor);
		EXCEPTION WHEN unique_violation THEN
			v_prior := ledger_prior(p_key);
			IF v_prior.id IS NULL THEN
				RAISE;
			END IF;
		END;
	END IF;
	RETURN ledger_replay(v_prior, v_prior.request_hash = p_hash);
END $$;--> statement-breakpoint

-- expire.ts sweepExpired, one batch per call (pg/writes.ts loops): accounts with something due, in the order
-- SQLite's index gives them. One sweeper across instances: another session's running sweep makes this a no-op.
CREATE FUNCTION ledger_expire_batch(p_now bigint, p_batch int) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_account record;
	v_expired record;
	v_accounts int := 0;
	v_lots int := 0;
	v_holds int := 0;
	v_credits bigint := 0;
BEGIN
	IF NOT pg_try_advisory_xact_lock(1818588263, 1) THEN
		RETURN jsonb_build_object('busy', true);
	END IF;
	FOR v_account IN SELECT id FROM accounts WHERE next_expiry_at <= p_now ORDER BY next_expiry_at, id
		LIMIT p_batch FOR UPDATE
	LOOP
		SELECT * INTO v_expired FROM ledger_expire_account(v_account.id, p_now);
		v_accounts := v_accounts + 1;
		v_lots := v_lots + v_expired.expired_lots;
		v_holds := v_holds + v_expired.expired_holds;
		v_credits := v_credits + v_expired.expired_credits;
	END LOOP;
	RETURN jsonb_build_object('busy', false, 'accounts', v_accounts, 'lots', v_lots, 'holds', v_holds,
		'credits', v_credits);
END $$;--> statement-breakpoint

-- rollup.ts rollUp, from what has committed to rollup_queue rather than an id range: ids are taken before
-- commit, so a lower id can commit after a higher one. Returns the ids it added as a range (after, through],
-- as SQLite's does (a late lower id makes a range below the last one); both are the highest id counted so far
-- when it added nothing. One roll-up across instances, as for the sweep: another session's makes this a no-op.
CREATE FUNCTION ledger_roll_up() RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_after bigint;
	v_through bigint;
BEGIN
	IF pg_try_advisory_xact_lock(1818588263, 2) THEN
		WITH taken AS (DELETE FROM rollup_queue RETURNING transfer_id),
		moves AS (
			SELECT t.debit_account_id <> t.user_account_id AS system_debited,
				CASE WHEN t.debit_account_id <> t.user_account_id THEN t.debit_account_id ELSE t.credit_account_id END
					AS system_id,
				e.posted, e.pending
			FROM taken JOIN transfers t ON t.id = taken.transfer_id
			CROSS JOIN LATERAL ledger_effect(t.code, t.hold_id, t.amount) e
		),
		sums AS (
			SELECT system_id,
				coalesce(sum(posted) FILTER (WHERE system_debited), 0)::bigint AS debits_posted,
				coalesce(sum(posted) FILTER (WHERE NOT system_debited), 0)::bigint AS credits_posted,
				coalesce(sum(pending) FILTER (WHERE system_debited), 0)::bigint AS debits_pending,
				coalesce(sum(pending) FILTER (WHERE NOT system_debited), 0)::bigint AS credits_pending
			FROM moves GROUP BY system_id
		),
		bounds AS (SELECT min(transfer_id) - 1 AS after, max(transfer_id) AS through FROM taken),
		updated AS (
			UPDATE accounts a SET debits_posted = a.debits_posted + coalesce(s.debits_posted, 0),
				credits_posted = a.credits_posted + coalesce(s.credits_posted, 0),
				debits_pending = a.debits_pending + coalesce(s.debits_pending, 0),
				credits_pending = a.credits_pending + coalesce(s.credits_pending, 0),
				rolled_up_through = greatest(a.rolled_up_through, (SELECT through FROM bounds))
			FROM accounts sys LEFT JOIN sums s ON s.system_id = sys.id
			WHERE sys.user_id IS NULL AND a.id = sys.id
		)
		SELECT after, through INTO v_after, v_through FROM bounds;
	END IF;
	IF v_through IS NULL THEN
		SELECT min(rolled_up_through) INTO v_through FROM accounts WHERE user_id IS NULL;
		v_after := v_through;
	END IF;
	RETURN jsonb_build_object('after', v_after, 'through', v_through);
END $$;
