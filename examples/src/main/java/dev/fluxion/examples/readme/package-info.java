/**
 * The README's code blocks, each kept verbatim between {@code // README:begin NAME} and
 * {@code // README:end} markers (a block may span several marked parts of one file, joined in
 * order) with the definitions it needs around it. They compile with this module, {@code ReadmeSpec}
 * runs each one, and it fails when a ```java or ```kotlin block of README.md is not one of these
 * marked regions, so a README example cannot break silently. To change a README example, change
 * it here and paste the marked text into README.md (or the other way round): the test compares them.
 */
package dev.fluxion.examples.readme;
