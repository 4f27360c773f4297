/** The logitlens view's computation (issue 5). */
package dev.loupe.plugins.logitlens;
