# Nested functions inside methods: they capture `self`, parameters and locals of
# the method, and assign the method's locals through `nonlocal`.
class Account(object):
    balance: int = 0
    history: [int] = None

    def __init__(self: "Account"):
        self.history = []

    def deposit_all(self: "Account", amounts: [int], fee: int) -> int:
        total: int = 0
        count: int = 0
        a: int = 0
        def add(a: int) -> object:
            nonlocal total
            nonlocal count
            if a > fee:
                total = total + a - fee
                count = count + 1
                self.history = self.history + [a]
        for a in amounts:
            add(a)
        self.balance = self.balance + total
        return count

    def describe(self: "Account") -> str:
        def digits(n: int) -> str:
            if n < 10:
                return "0123456789"[n]
            return digits(n // 10) + "0123456789"[n % 10]
        return "balance " + digits(self.balance)

acct: Account = None
acct = Account()
print(acct.deposit_all([5, 20, 1, 100], 2))
print(acct.describe())
print(len(acct.history))
print(acct.history[2])
