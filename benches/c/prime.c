/* prime.py (pa3 benchmark, scaled: n = 700) written in C: the same algorithm,
   32-bit ints, Python's % on positive operands. */
#include <stdio.h>

static int is_prime(int x) {
    int div = 2;
    while (div < x) {
        if (x % div == 0)
            return 0;
        div = div + 1;
    }
    return 1;
}

static int get_prime(int n) {
    int candidate = 2;
    int found = 0;
    while (1) {
        if (is_prime(candidate)) {
            found = found + 1;
            if (found == n)
                return candidate;
        }
        candidate = candidate + 1;
    }
    return 0;
}

int main(void) {
    int n = 700;
    int i = 1;
    while (i <= n) {
        printf("%d\n", get_prime(i));
        i = i + 1;
    }
    return 0;
}
