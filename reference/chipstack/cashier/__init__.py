"""cashier: deposits, issuance, settlements, executable disputes and redemptions with proofs.

Spec: ``spec/04-cashier.md``. Coins deposited on the notarized chain become
table chips only with a proof, chips move only by states every seated
player signed or that the game's FSM proves, and coins leave only against
a settled balance. Import from the submodules:

``chipstack.cashier.params``
    ``CashierSet(threshold, keys)`` (``condition()``, ``from_labels``), ``PegParams``,
    ``TableParams`` (``encode/decode``, ``table_id``).
``chipstack.cashier.deposit``
    ``DepositMemo``, ``deposit_tx``, ``DepositProof`` (``encode/decode`` with size limits),
    ``verify_deposit -> DepositFacts``.
``chipstack.cashier.issuance``
    ``IssueRequest``, ``Certificate``, ``verify_certificate``, ``assemble_certificate``,
    ``CashierNode`` (an honest cashier), ``double_signers``.
``chipstack.cashier.settlement``
    ``Settlement``, ``SignedSettlement``, ``sign_settlement``, ``check_signed``.
``chipstack.cashier.games``
    ``GameRules`` (the interface a game meets), ``DeclaredBalances`` (the convention),
    ``StakeAdapter`` (for a game written without it).
``chipstack.cashier.dispute``
    ``Hand``, ``Dispute``, ``replay_dispute -> DisputeResult``, ``refutes``.
``chipstack.cashier.redemption``
    ``PayoutPlan``, ``plan_payout``, ``check_payout``, ``cosign_payout``.
``chipstack.cashier.peg``
    ``PriceAttestation``, ``attest_price``, ``verify_price``, ``coins_to_chips``,
    ``chips_to_coins``, ``pegged_payouts``.
``chipstack.cashier.book``
    ``TableBook``: one table's state with ``issue``, ``settle``, ``close``, ``challenge``,
    ``finalize``, ``plan``, ``redeem`` and ``check_conservation``.
``chipstack.cashier.machine``
    the cashier as an FSM definition (``cashier.yaml``) and its built-ins.
``chipstack.cashier.scenario``
    ``new_world()``: a devnet, cashier set, table and players for tests and notebooks.
"""
