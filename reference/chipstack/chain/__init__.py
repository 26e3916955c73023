"""chain: a minimal notarized UTXO ledger with Bitcoin-shaped headers, Merkle and SPV proofs.

Spec: ``spec/02-chain.md``. Import from the submodules; the public API is:

``chipstack.chain.header``
    ``BlockHeader`` (80-byte layout, ``encode/decode/hash``), ``bits_to_target``,
    ``target_to_bits``, ``block_work``, ``check_pow``, ``mine``, ``check_linked``,
    ``display_hex`` / ``from_display_hex`` (explorer byte order), ``REGTEST_BITS``.
``chipstack.chain.merkle``
    ``compute_root`` -> (root, mutated), ``merkle_root`` (refuses mutated lists),
    ``merkle_branch``, ``MerkleBranch(index, siblings)`` with ``root_from/verify``, ``tree_levels``.
``chipstack.chain.conditions``
    the output condition sum type ``Condition = KeyCondition(key) | MultisigCondition(threshold,
    keys) | CCCondition(eval_code, data) | OpReturn(data)``, ``read_condition``, ``EVAL_FSM``,
    ``condition_to_json`` / ``condition_from_json``.
``chipstack.chain.tx``
    ``OutPoint(txid, index)``, ``TxIn(prevout, witness)``, ``TxOut(amount, condition)``,
    ``Tx(inputs, outputs, locktime)`` with ``encode/decode/txid/outpoint(i)/with_witness``,
    ``check_tx_syntax``, ``COIN``, ``MAX_MONEY``.
``chipstack.chain.sighash``
    ``sighash``, ``sighash_message``, ``sign_input(tx, i, spent_outputs, chain_id, keys) -> Tx``,
    ``check_signature_witness``.
``chipstack.chain.utxo``
    ``Utxo(output, height, coinbase)``, ``UtxoSet`` (``lookup/apply/undo/view``),
    ``check_tx_inputs(tx, view, height, chain_id, cc_validators) -> fee``,
    ``CCSpend`` and ``CCValidator`` (``Callable[[CCSpend], None]``, raise ``Rejected`` to refuse).
``chipstack.chain.block``
    ``Block(header, txs)``, ``check_block``, ``make_coinbase(height, outputs)``, ``assemble_block``.
``chipstack.chain.params``
    ``ChainParams(chain_id, notaries, bits, subsidy, max_future_seconds)``, ``chain_id_from_name``.
``chipstack.chain.notary``
    ``NotarySet(threshold, keys)`` (``id``, ``from_labels``), ``Notarization``, ``compute_mom``,
    ``sign_notarization``, ``verify_notarization -> NotarizationFacts``, ``check_notarizes``.
``chipstack.chain.ledger``
    ``Ledger(params, genesis, cc_validators)``: ``apply_block -> BlockStatus``,
    ``lookup(outpoint)``,
    ``utxos()``, ``utxos_for(condition)``, ``find_tx``, ``tip``, ``height``, ``block_at``,
    ``notarize``, ``apply_notarization``, ``tx_proof``, ``header_chain``, ``spv_proof``.
``chipstack.chain.proofs``
    ``TxProof``, ``HeaderChainProof``, ``SpvProof`` (encode/decode) and ``verify_tx_proof``,
    ``verify_header_chain``, ``verify_spv_proof`` returning ``TxFacts`` / ``HeaderChainFacts`` /
    ``SpvFacts``.
``chipstack.chain.devnet``
    ``new_devnet()`` -> (ledger, notary keys), ``mine_block(ledger, txs, pay_to, time)``,
    ``genesis_block``.
``chipstack.chain.scenario``
    ``build_scenario()``: the deterministic 7-block chain behind the vectors and notebook.

The chain's test vectors (and the real Bitcoin block data they cite) live in
``chipstack.testvectors.chain``.
"""
