// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {
    AmountOverflow,
    BelowMinStake,
    InsufficientFunds,
    NothingMatured,
    NothingUnbonding,
    StakeSeated,
    TransferFailed,
    ZeroAmount,
    ZeroKey
} from "../lib/Errors.sol";

/// Money and stake, as MemoryLedger keeps them (memory_ledger.cpp "money", "staking"), in
/// ETH: a deposit is the wei sent with it, a withdrawal sends wei back. Inside the contract
/// every wei sits in exactly one bucket:
///
///   deposited = Σ balance + Σ stake + Σ unbonding + escrow + burned
///
/// and the contract holds exactly `deposited` wei (moneyIdentity()). Burned wei stays in
/// the contract, counted, and no function moves it again. Amounts are uint64 like
/// ledger::Amount; `deposited` is kept below 2^64, so no bucket can overflow.
contract Staking {
    struct Unbonding {
        uint64 amount;
        uint64 releaseBlock;
    }

    struct Account {
        uint64 balance; // free: withdrawable, stakeable, spendable on jobs
        uint64 stake; // bonded
        uint64 unbondingTotal; // Σ of `unbonding`
        bytes32 key; // X25519 public key (sealed jobs); zero: none
        Unbonding[] unbonding;
    }

    uint64 public immutable minStake;
    uint64 public immutable unbondingBlocks;

    mapping(address => Account) internal accounts;
    /// The unsettled quorum job a node is seated in (zero: none); its stake cannot unbond.
    mapping(address => bytes32) public seatOf;
    /// Every address that registered a key, in registration order: the candidate list.
    address[] internal nodes;

    uint256 public deposited;
    uint256 public totalBalance;
    uint256 public totalStake;
    uint256 public totalUnbonding;
    uint256 public totalEscrow;
    uint256 public burned;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);
    event Staked(address indexed node, uint256 amount, uint256 stake);
    event Unbonded(address indexed node, uint256 amount, uint256 releaseBlock);
    event UnbondedWithdrawn(address indexed node, uint256 amount);
    event KeyRegistered(address indexed node, bytes32 key);

    constructor(uint64 minStake_, uint64 unbondingBlocks_) {
        minStake = minStake_;
        unbondingBlocks = unbondingBlocks_;
    }

    // ---- money ----

    /// Credits msg.value to the sender's balance.
    function deposit() external payable {
        if (msg.value == 0) revert ZeroAmount();
        // INVARIANT: deposited < 2^64, so every bucket and every sum of them fits a uint64.
        if (deposited + msg.value > type(uint64).max) revert AmountOverflow(deposited + msg.value);
        deposited += msg.value;
        accounts[msg.sender].balance += uint64(msg.value);
        totalBalance += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    /// Sends `amount` of the sender's balance back to it.
    function withdraw(uint64 amount) external {
        if (amount == 0) revert ZeroAmount();
        Account storage a = accounts[msg.sender];
        if (a.balance < amount) revert InsufficientFunds(msg.sender, a.balance, amount);
        a.balance -= amount;
        totalBalance -= amount;
        deposited -= amount;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }

    // ---- staking ----

    /// Bonds `amount` of the sender's balance; the stake after must be at least minStake.
    function stake(uint64 amount) external {
        if (amount == 0) revert ZeroAmount();
        Account storage a = accounts[msg.sender];
        if (a.balance < amount) revert InsufficientFunds(msg.sender, a.balance, amount);
        uint64 after_ = a.stake + amount; // both below deposited < 2^64
        if (after_ < minStake) revert BelowMinStake(after_, minStake);
        a.balance -= amount;
        a.stake = after_;
        totalBalance -= amount;
        totalStake += amount;
        emit Staked(msg.sender, amount, after_);
    }

    /// Starts unbonding `amount`: withdrawable after unbondingBlocks blocks. A node seated
    /// in an unsettled quorum cannot unbond; what stays bonded is zero or at least minStake.
    function unbond(uint64 amount) external {
        if (amount == 0) revert ZeroAmount();
        Account storage a = accounts[msg.sender];
        if (a.stake < amount) revert InsufficientFunds(msg.sender, a.stake, amount);
        // INVARIANT: a seated node's stake is its round's collateral until settlement.
        bytes32 job = seatOf[msg.sender];
        if (job != bytes32(0)) revert StakeSeated(msg.sender, job);
        uint64 rest = a.stake - amount;
        if (rest != 0 && rest < minStake) revert BelowMinStake(rest, minStake);
        uint64 release = uint64(block.number) + unbondingBlocks; // checked: reverts past 2^64
        a.stake = rest;
        a.unbondingTotal += amount;
        a.unbonding.push(Unbonding(amount, release));
        totalStake -= amount;
        totalUnbonding += amount;
        emit Unbonded(msg.sender, amount, release);
    }

    /// Moves every matured unbonding of the sender to its balance; returns the amount.
    function withdrawUnbonded() external returns (uint64 ready) {
        Account storage a = accounts[msg.sender];
        uint256 n = a.unbonding.length;
        if (n == 0) revert NothingUnbonding(msg.sender);
        uint256 next = type(uint256).max;
        // Compact the unmatured entries to the front, in order.
        uint256 kept = 0;
        for (uint256 i = 0; i < n; ++i) {
            Unbonding memory u = a.unbonding[i];
            if (u.releaseBlock <= block.number) {
                ready += u.amount;
            } else {
                if (u.releaseBlock < next) next = u.releaseBlock;
                a.unbonding[kept++] = u;
            }
        }
        if (ready == 0) revert NothingMatured(next, block.number);
        for (uint256 i = kept; i < n; ++i) {
            a.unbonding.pop();
        }
        a.unbondingTotal -= ready;
        a.balance += ready;
        totalUnbonding -= ready;
        totalBalance += ready;
        emit UnbondedWithdrawn(msg.sender, ready);
    }

    /// Registers (or replaces) the sender's X25519 public key; a first key makes the sender
    /// a quorum candidate (while its stake is at least minStake).
    function registerKey(bytes32 key) external {
        if (key == bytes32(0)) revert ZeroKey();
        Account storage a = accounts[msg.sender];
        if (a.key == bytes32(0)) nodes.push(msg.sender);
        a.key = key;
        emit KeyRegistered(msg.sender, key);
    }

    // ---- views ----

    function balanceOf(address account) external view returns (uint64) {
        return accounts[account].balance;
    }

    function stakeOf(address node) external view returns (uint64) {
        return accounts[node].stake;
    }

    function unbondingOf(address node) external view returns (uint64) {
        return accounts[node].unbondingTotal;
    }

    function keyOf(address node) external view returns (bytes32) {
        return accounts[node].key;
    }

    /// The money identity (DESIGN §6): the wei the contract holds, the wei deposited and not
    /// withdrawn, and the sum of the buckets; all three are equal after every transaction.
    function moneyIdentity() external view returns (uint256 held, uint256 deposits, uint256 buckets) {
        return (address(this).balance, deposited, totalBalance + totalStake + totalUnbonding + totalEscrow + burned);
    }

    // ---- for the contracts built on this one ----

    function credit(address account, uint64 amount) internal {
        accounts[account].balance += amount;
        totalBalance += amount;
    }

    function debit(address account, uint64 amount) internal {
        Account storage a = accounts[account];
        if (a.balance < amount) revert InsufficientFunds(account, a.balance, amount);
        a.balance -= amount;
        totalBalance -= amount;
    }
}
