// The fanotify benchmark's static exec target: a program that only exits. Linked statically and without libc
// (-nostdlib), so its exec raises only the two permission events of the binary itself (its exec and its open) and
// costs little and varies little itself (a static glibc program spends ~0.4 ms here starting up), which leaves more of
// what is measured to the responder.
void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall"); /* exit(0), x86-64 */
}
