// The fanotify benchmark's static exec target: a program that only exits, linked statically so that its exec raises
// only the two permission events of the binary itself (its exec and its open; no ELF loader, no libraries).
#include <unistd.h>

int main(void)
{
	_exit(0);
}
